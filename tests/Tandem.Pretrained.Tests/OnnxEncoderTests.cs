using Tandem.Data.Text;
using Tandem.Data.Images;
using Tandem.Retrieval.Formats;

namespace Tandem.Pretrained.Tests;

/// <summary>The models, vocabulary and reference outputs bench/onnx/make_models.py wrote with PyTorch.</summary>
public class OnnxEncoderTests
{
    internal static readonly string Dir = FindOnnxDir();

    static string FindOnnxDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tandem.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Tandem.sln not found"), "bench", "onnx");
    }

    static string File_(string name) => Path.Combine(Dir, name);

    static OnnxTextEncoder Text() => new(new OnnxModel(File_("text_encoder.onnx")), WordPieceTextTokenizer.Load(File_("vocab.txt")));

    static string[] Texts() => File.ReadAllLines(File_("texts.txt")).Where(l => l.Length > 0).ToArray();

    [Fact]
    public void TokenIdsMatchTheScriptsWordPiece()
    {
        var encoder = Text();
        var expected = Npy.Read(File_("text_ids.npy"));
        var texts = Texts();
        Assert.Equal(texts.Length, expected.Rows);
        for (int r = 0; r < texts.Length; r++)
        {
            var row = expected.Data.AsSpan(r * expected.Dimension, expected.Dimension).ToArray().Select(v => (int)v).ToArray();
            int length = Array.IndexOf(row, 0) is var z and >= 0 ? z : row.Length; // [PAD] is id 0
            Assert.Equal(row[..length], encoder.Ids(texts[r]));
        }
    }

    [Fact]
    public void TextEmbeddingsMatchPyTorch()
    {
        var encoder = Text();
        var expected = Npy.Read(File_("text_embeddings.npy"));
        // Batches of 3 and 1 pad differently from the script's single batch: padding must not matter.
        using var got = encoder.Embed(Texts(), batchSize: 3);
        Assert.Equal([expected.Rows, expected.Dimension], got.Shape.ToArray());
        for (int i = 0; i < expected.Data.Length; i++) Assert.Equal(expected.Data[i], got.Span[i], 4);
    }

    [Fact]
    public void ImageEmbeddingsMatchPyTorch()
    {
        using var model = new OnnxModel(File_("image_encoder.onnx"));
        var encoder = new OnnxImageEncoder(model, new ImageOptions { Size = 32 });
        var pixels = Npy.Read(File_("pixels.npy"));
        var expected = Npy.Read(File_("image_embeddings.npy"));
        var got = encoder.Embed(pixels.Data, pixels.Rows);
        Assert.Equal(expected.Data.Length, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected.Data[i], got[i], 4);
    }

    [Fact]
    public void RealPostersEmbedAsTheirDecodedPixels()
    {
        string posters = Path.Combine(Dir, "..", "..", "..", "shared", "datasets", "ml-latest-small-posters");
        using var model = new OnnxModel(File_("image_encoder.onnx"));
        var options = new ImageOptions { Size = 32 };
        var encoder = new OnnxImageEncoder(model, options);
        ImageSource[] sources = [new("1", Path.Combine(posters, "1.jpg")), new("2", Path.Combine(posters, "2.jpg"))];
        using var files = encoder.Embed(sources, batchSize: 1);
        var pixels = new float[2 * options.Length];
        for (int i = 0; i < 2; i++) ImageDecoder.Load(sources[i].Item, sources[i].Path!, options, pixels.AsSpan(i * options.Length, options.Length));
        Assert.Equal(encoder.Embed(pixels, 2), files.Span.ToArray());
        // Two different posters give different vectors.
        Assert.NotEqual(files.Span[..16].ToArray(), files.Span[16..].ToArray());
    }

    [Fact]
    public void MissingImageNamesTheItem()
    {
        using var model = new OnnxModel(File_("image_encoder.onnx"));
        var encoder = new OnnxImageEncoder(model, new ImageOptions { Size = 32 });
        var e = Assert.Throws<ImageException>(() => encoder.Embed([new ImageSource("42", "/nonexistent/42.jpg")]));
        Assert.Contains("42", e.Message);
        Assert.Contains("/nonexistent/42.jpg", e.Message);
    }

    [Fact]
    public void BadModelFilesGiveOneLine()
    {
        var missing = Assert.Throws<PretrainedException>(() => new OnnxModel("/nonexistent/model.onnx"));
        Assert.StartsWith("/nonexistent/model.onnx: file not found", missing.Message);
        var bad = Assert.Throws<PretrainedException>(() => new OnnxModel(File_("vocab.txt")));
        Assert.StartsWith(File_("vocab.txt") + ": not a loadable ONNX model", bad.Message);
    }
}
