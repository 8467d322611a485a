using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Bench;

/// <summary>
/// MaxSim re-ranking: one query of <c>--query 32</c> vectors against <c>--candidates 100</c> documents of
/// <c>--document 32</c> vectors, width <c>--width 64</c>, on one thread at every SIMD level this machine
/// runs. Prints the median time per query over <c>--reps 11</c> blocks of at least <c>--min-ms 50</c>.
/// </summary>
static class MaxSimBenchmark
{
    public static int Run(string[] args)
    {
        int queryCount = int.Parse(Args.Option(args, "--query", "32"));
        int documentCount = int.Parse(Args.Option(args, "--document", "32"));
        int candidates = int.Parse(Args.Option(args, "--candidates", "100"));
        int width = int.Parse(Args.Option(args, "--width", "64"));
        int reps = int.Parse(Args.Option(args, "--reps", "11"));
        double minMs = double.Parse(Args.Option(args, "--min-ms", "50"));
        Measure.ThreadCpuClock = true;

        var random = new Random(1);
        var query = Enumerable.Range(0, queryCount * width).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var documents = Enumerable.Range(0, candidates * documentCount * width).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var offsets = Enumerable.Range(0, candidates + 1).Select(k => k * documentCount).ToArray();
        var scores = new float[candidates];
        double flops = 2.0 * queryCount * documentCount * width * candidates;

        Console.WriteLine($"CPU: {Measure.CpuModel()}; Simd.Best = {Simd.Best}; one thread, thread CPU time");
        Console.WriteLine($"MaxSim, {candidates} candidates, {queryCount}x{documentCount} vectors of width {width}");
        Console.WriteLine("| level | ms per query | GFLOP/s |");
        Console.WriteLine("|---|---:|---:|");
        using (Threads.Use(1))
            foreach (var level in Simd.Supported.Reverse())
            {
                Action action = () => Kernels.MaxSim(query, queryCount, documents, offsets, width, scores, level);
                int iterations = Measure.IterationsFor(action, minMs);
                var times = Enumerable.Range(0, reps).Select(_ => Measure.Milliseconds(action, iterations) / iterations).ToList();
                double ms = Measure.Median(times);
                Console.WriteLine($"| {level} | {ms:F3} | {flops / ms / 1e6:F1} |");
            }
        return 0;
    }
}
