using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Bench;

/// <summary>
/// SGEMM/GEMV: Tandem's <see cref="Gemm"/> against OpenBLAS on the same inputs, interleaved in
/// one process so machine noise hits both alike. Prints a markdown table for docs/benchmarks.md.
/// Options: <c>--threads 2,1</c>, <c>--reps 11</c> (median of), <c>--min-ms 50</c> (per repetition),
/// <c>--shapes 2048x2048x2048,1x256x128</c> (M×K×N; default: all below), <c>--trans N,T</c>,
/// <c>--clock cpu</c> (thread CPU time, for 1-thread runs on a busy machine; default wall).
/// <c>--settle-ms 250</c> (pause before each timed block when threads &gt; 1; see <see cref="Settle"/>).
/// Besides the median ratio it prints best/best, the ratio of the fastest repetitions: on a
/// shared machine the fastest repetition is the one least disturbed, so it is the steadier
/// figure for multithreaded runs there. <c>--rounds 5</c> runs the whole table that many times
/// and ends with each case's median ratio over the rounds and every round's ratio.
/// </summary>
static unsafe class GemmBenchmark
{
    // M×K×N: a square reference and the tower shapes (layers, in-batch logits), then a GEMV.
    static readonly (int M, int K, int N)[] Shapes =
        [(2048, 2048, 2048), (1024, 256, 128), (1024, 128, 64), (4096, 512, 256), (1024, 64, 1024), (1, 256, 128)];

    public static int Run(string[] args)
    {
        int[] threadCounts = Args.Option(args, "--threads", "2,1").Split(',').Select(int.Parse).ToArray();
        int reps = int.Parse(Args.Option(args, "--reps", "11"));
        double minMs = double.Parse(Args.Option(args, "--min-ms", "50"));
        int settleMs = int.Parse(Args.Option(args, "--settle-ms", "250"));
        int rounds = int.Parse(Args.Option(args, "--rounds", "1"));
        var shapes = args.Contains("--shapes")
            ? Args.Option(args, "--shapes", "").Split(',').Select(ParseShape).ToArray()
            : Shapes;
        Measure.ThreadCpuClock = Args.Option(args, "--clock", "wall") == "cpu";
        if (Measure.ThreadCpuClock && threadCounts.Any(t => t != 1))
            throw new ArgumentException("--clock cpu measures the calling thread only; use it with --threads 1.");
        bool[] transposes = Args.Option(args, "--trans", "N,T").Split(',').Select(t => t == "T").ToArray();

        Console.WriteLine($"CPU: {Measure.CpuModel()}, {Environment.ProcessorCount} logical processors; Tandem Simd.Best = {Simd.Best}");
        Console.WriteLine($"OpenBLAS: {OpenBlas.Config.Trim()}; core {OpenBlas.CoreName} " +
            $"(OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "unset"})");
        Console.WriteLine($"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; GFLOP/s are medians of {reps} interleaved repetitions of >= {minMs} ms each ({(Measure.ThreadCpuClock ? "thread CPU time" : "wall time")}), " +
            "the ratio the median of the repetitions' ratios, best/best the ratio of the fastest repetitions; " +
            $"{settleMs} ms pause before each multithreaded block (OpenBLAS's threads spin after a call)");
        Console.WriteLine();
        Console.WriteLine("| M×K×N | B | threads | Tandem GFLOP/s | OpenBLAS GFLOP/s | Tandem/OpenBLAS | best/best | max rel. diff |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var cases = (from threads in threadCounts from shape in shapes from transB in transposes select (threads, shape, transB)).ToArray();
        var ratios = cases.Select(_ => (Median: new List<double>(), Best: new List<double>())).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < cases.Length; i++)
            {
                var (threads, (m, k, n), transB) = cases[i];
                var (median, best) = RunCase(m, k, n, transB, threads, reps, minMs, threads > 1 ? settleMs : 0);
                ratios[i].Median.Add(median);
                ratios[i].Best.Add(best);
            }
        if (rounds > 1) PrintRounds(cases, ratios);
        return 0;
    }

    /// <summary>Each case's median over the rounds of its ratio and of its best/best, with every round's ratio.</summary>
    static void PrintRounds((int Threads, (int M, int K, int N) Shape, bool TransB)[] cases, (List<double> Median, List<double> Best)[] ratios)
    {
        Console.WriteLine();
        Console.WriteLine($"Over {ratios[0].Median.Count} rounds:");
        Console.WriteLine();
        Console.WriteLine("| M×K×N | B | threads | Tandem/OpenBLAS | best/best | ratios of the rounds |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- |");
        for (int i = 0; i < cases.Length; i++)
        {
            var (threads, (m, k, n), transB) = cases[i];
            Console.WriteLine($"| {m}×{k}×{n} | {(transB ? "T" : "N")} | {threads} | **{Measure.Median(ratios[i].Median):F2}** | " +
                $"{Measure.Median(ratios[i].Best):F2} | {string.Join(", ", ratios[i].Median.Select(r => r.ToString("F2")))} |");
        }
    }

    /// <summary>Prints one row of the table and returns its ratio and best/best.</summary>
    static (double Median, double Best) RunCase(int m, int k, int n, bool transB, int threads, int reps, double minMs, int settleMs)
    {
        using var scope = Threads.Use(threads);
        OpenBlas.SetNumThreads(threads);
        var random = new Random(42);
        float[] a = Values(random, m * k), b = Values(random, k * n);
        float[] cTandem = GC.AllocateArray<float>(m * n, pinned: true), cBlas = GC.AllocateArray<float>(m * n, pinned: true);
        fixed (float* pa = a, pb = b, pc = cBlas)
        {
            float* ap = pa, bp = pb, cp = pc;
            Action tandem = () => Gemm.Multiply(a, b, cTandem, m, n, k, transB: transB);
            Action blas = m == 1
                // y(n) = op(B)ᵀ x: B stored k×n is y = Bᵀx, stored n×k is y = Bx.
                ? () => OpenBlas.Sgemv(OpenBlas.RowMajor, transB ? OpenBlas.NoTrans : OpenBlas.Trans,
                    transB ? n : k, transB ? k : n, 1f, bp, transB ? k : n, ap, 1, 0f, cp, 1)
                : () => OpenBlas.Sgemm(OpenBlas.RowMajor, OpenBlas.NoTrans, transB ? OpenBlas.Trans : OpenBlas.NoTrans,
                    m, n, k, 1f, ap, k, bp, transB ? k : n, 0f, cp, n);

            int tandemIterations = Measure.IterationsFor(tandem, minMs);
            int blasIterations = Measure.IterationsFor(blas, minMs);
            var tandemMs = new List<double>();
            var blasMs = new List<double>();
            var ratios = new List<double>();
            for (int rep = 0; rep < reps; rep++)
            {
                // Alternate who goes first so drifts in machine load fall on both; the ratio is
                // the median of the pairs' ratios, which load that shifts between pairs cancels.
                double t, o;
                if (rep % 2 == 0)
                {
                    t = Settle(tandem, tandemIterations, settleMs);
                    o = Settle(blas, blasIterations, settleMs);
                }
                else
                {
                    o = Settle(blas, blasIterations, settleMs);
                    t = Settle(tandem, tandemIterations, settleMs);
                }
                tandemMs.Add(t);
                blasMs.Add(o);
                ratios.Add(o / t);
            }
            double flops = 2.0 * m * n * k;
            double tandemGflops = flops / Measure.Median(tandemMs) / 1e6, blasGflops = flops / Measure.Median(blasMs) / 1e6;
            double median = Measure.Median(ratios), best = blasMs.Min() / tandemMs.Min();
            Console.WriteLine($"| {m}×{k}×{n} | {(transB ? "T" : "N")} | {threads} | {tandemGflops:F1} | {blasGflops:F1} | " +
                $"{median:F2} | {best:F2} | {MaxRelativeDifference(cTandem, cBlas):E1} |");
            return (median, best);
        }
    }

    /// <summary>
    /// Milliseconds per call of <paramref name="iterations"/> calls, timed after a pause of
    /// <paramref name="settleMs"/>. OpenBLAS's worker threads busy-wait for about 2^28 cycles
    /// (~0.13 s here) after a call before they sleep: without the pause, a block timed right after
    /// OpenBLAS's shares the cores with those spinning threads, which costs a 2-thread Tandem run
    /// up to half its speed. Tandem's workers spin only microseconds, so the pause changes
    /// nothing for OpenBLAS's own blocks; it is there for symmetry.
    /// </summary>
    static double Settle(Action action, int iterations, int settleMs)
    {
        if (settleMs > 0) Thread.Sleep(settleMs);
        return Measure.Milliseconds(action, iterations) / iterations;
    }

    /// <summary>max |x - y| over the largest |y|: the two results' disagreement at C's scale.</summary>
    static double MaxRelativeDifference(float[] x, float[] y)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < x.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs((double)x[i] - y[i]));
            scale = Math.Max(scale, Math.Abs(y[i]));
        }
        return diff / Math.Max(scale, double.Epsilon);
    }

    static float[] Values(Random random, int count)
    {
        var values = GC.AllocateArray<float>(count, pinned: true);
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    static (int, int, int) ParseShape(string text)
    {
        var parts = text.Split('x').Select(int.Parse).ToArray();
        return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : throw new ArgumentException($"--shapes: '{text}' is not MxKxN.");
    }

}
