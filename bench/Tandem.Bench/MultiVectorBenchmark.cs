using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Tandem.Retrieval.MultiVector;
using Tandem.Tensors;

namespace Tandem.Bench;

/// <summary>
/// The multi-vector index against brute-force MaxSim, and MaxSim re-ranking of 100 candidates:
/// `multivector [--items 10000] [--tokens 32] [--dimension 64] [--queries 200] [--lists 1024] [--pq 16]`.
/// Items are sets of token vectors drawn around a few of many topic centres (unit length); a query is
/// 32 vectors around the topics of a random item. The truth is the exact MaxSim top-10 over the raw floats
/// (a Flat-storage index scoring every item). One thread throughout; prints a markdown table.
/// </summary>
static class MultiVectorBenchmark
{
    const int K = 10;
    /// <summary>Per-coordinate spread of a token around its topic centre (unit length): a token keeps cosine ≈ 0.8 with its centre.</summary>
    const float Noise = 0.08f;

    public static int Run(string[] args)
    {
        int Int(string name, int fallback) => int.Parse(Args.Option(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        int items = Int("--items", 10_000), tokens = Int("--tokens", 32), d = Int("--dimension", 64), queryCount = Int("--queries", 200);
        int lists = Int("--lists", 1024), m = Int("--pq", 16);
        using var _ = Threads.Use(1);
        var random = new Random(7);
        var topics = Unit(2048, d, random, 1f, null);
        var itemTopics = Enumerable.Range(0, items).Select(_ => Enumerable.Range(0, 4).Select(_ => random.Next(2048)).ToArray()).ToArray();
        var data = new float[(long)items * tokens * d];
        for (int i = 0; i < items; i++)
            for (int t = 0; t < tokens; t++) Around(topics, itemTopics[i][random.Next(4)], d, random).CopyTo(data.AsSpan((i * tokens + t) * d, d));
        var queries = Enumerable.Range(0, queryCount).Select(_ =>
        {
            var source = itemTopics[random.Next(items)];
            return Enumerable.Range(0, 32).SelectMany(_ => Around(topics, source[random.Next(4)], d, random)).ToArray();
        }).ToArray();
        var counts = Enumerable.Repeat(tokens, items).ToArray();
        var ids = Enumerable.Range(0, items).Select(i => (long)i).ToArray();

        var clock = Stopwatch.StartNew();
        var exact = new MultiVectorIndex(d, 1, 0);
        exact.Train(data.AsSpan(0, 256 * d));
        exact.Add(data, counts, ids);
        var all = new float[items];
        var truth = queries.Select(q => { exact.Score(q, ids, all); return ids.OrderByDescending(i => all[i]).Take(K).ToHashSet(); }).ToArray();
        double bruteQps = queryCount / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"data: {items} items x {tokens} tokens x {d}, {queryCount} queries x 32 vectors; brute-force MaxSim {bruteQps:F1} QPS (one thread, float)");

        clock.Restart();
        var index = new MultiVectorIndex(d, lists, m, seed: 1);
        index.Train(data.AsSpan(0, Math.Min(data.Length, 200_000 * d)));
        index.Add(data, counts, ids);
        Console.WriteLine($"{index.Spec}: built in {clock.Elapsed.TotalSeconds:F1} s; {index.BytesPerItem:F0} bytes per item ({index.TokenBytes} per token; raw floats: {tokens * d * 4})");
        Console.WriteLine("| nprobe | candidates | recall of exact MaxSim top-10 | QPS (one thread) | ms per query |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        Measure.ThreadCpuClock = true; // the machine is shared: this thread's CPU time, not wall time
        var scores = new float[K];
        var found = new long[K];
        foreach (var (nprobe, keep) in new[] { (1, 128), (2, 128), (2, 256), (4, 256), (4, 512), (8, 512), (8, 1024) })
        {
            var options = new MultiVectorSearchOptions { NProbe = nprobe, Candidates = keep };
            int hits = 0;
            for (int q = 0; q < queryCount; q++)
            {
                index.Search(queries[q], K, scores, found, options);
                hits += found.Count(truth[q].Contains);
            }
            double ms = Measure.Milliseconds(() => { foreach (var q in queries) index.Search(q, K, scores, found, options); }, 1) / queryCount;
            Console.WriteLine($"| {nprobe} | {keep} | {(double)hits / (queryCount * K):F3} | {1000 / ms:F0} | {ms:F2} |");
        }

        // Re-ranking: 100 candidates of a single-vector first stage, scored by MaxSim over raw floats (Flat storage).
        var candidates = ids.Take(100).ToArray();
        var reranked = new float[100];
        Action rerank = () => { foreach (var q in queries) exact.Score(q, candidates, reranked); };
        int iterations = Measure.IterationsFor(rerank, 500);
        double perQuery = Measure.Milliseconds(rerank, iterations) / iterations / queryCount;
        Console.WriteLine($"MaxSim re-rank of 100 candidates, 32 query x {tokens} item vectors of width {d}: {perQuery:F3} ms per query (one thread, CPU time)");
        return 0;
    }

    static float[] Unit(int n, int d, Random random, float scale, float[]? centre)
    {
        var v = new float[n * d];
        for (int i = 0; i < v.Length; i++) v[i] = scale * Gaussian(random) + (centre?[i % d] ?? 0);
        for (int i = 0; i < n; i++) Normalise(v.AsSpan(i * d, d));
        return v;
    }

    static float[] Around(float[] topics, int topic, int d, Random random)
    {
        var v = new float[d];
        for (int j = 0; j < d; j++) v[j] = topics[topic * d + j] + Noise * Gaussian(random);
        Normalise(v);
        return v;
    }

    static void Normalise(Span<float> v) => TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);

    static float Gaussian(Random random) => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
