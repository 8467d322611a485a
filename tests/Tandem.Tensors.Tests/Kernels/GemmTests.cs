using Tandem.Tensors.Kernels;

namespace Tandem.Tensors.Tests.Kernels;

public class GemmTests
{
    // |C - reference| <= Tolerance * (|alpha| * Σ_p |a_ip * b_pj| + |C0_ij|): float sums of up to
    // ~2000 terms stay far inside this (about 84 float ulps of the magnitude sum).
    const double Tolerance = 1e-5;

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 2, 3, 1 }, { 3, 7, 13 }, { 7, 13, 17 }, { 13, 17, 31 }, { 17, 31, 33 },
        { 31, 33, 65 }, { 33, 65, 127 }, { 65, 127, 129 }, { 127, 129, 7 }, { 129, 65, 3 },
        { 1000, 3, 7 },   // tall
        { 3, 1000, 7 },   // wide
        { 5, 7, 1000 },   // deep: several Kc slices of a thin product
        { 1, 127, 129 },  // m = 1: matrix-vector path
        { 1, 4100, 33 },  // m = 1, long enough for every vector width and remainder
        { 129, 1, 65 },   // n = 1: matrix-vector path
        { 1, 1100, 131 }, // m = 1 beyond half an L2: the row-streaming matrix-vector path
        { 1, 1, 300 },
        { 200, 40, 530 }, // several Mc blocks and Kc slices
        { 15, 2100, 40 },  // several Nc blocks
        { 45, 300, 37 },   // N above the direct-A limit: A packed by register transposes plus a tail
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryPathMatchesADoublePrecisionReference(int m, int n, int k)
    {
        var random = new Random(1234 + m * 31 + n * 7 + k);
        float[] a = RandomValues(random, m * k), b = RandomValues(random, k * n), c0 = RandomValues(random, m * n);
        (double[] product, double[] magnitude) = Reference(a, b, m, n, k);
        var c = new float[m * n];
        foreach (var level in Simd.Supported)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                {
                    float[] storedA = transA ? Transpose(a, m, k) : a, storedB = transB ? Transpose(b, k, n) : b;
                    foreach ((float alpha, bool accumulate) in new[] { (1f, false), (-0.75f, false), (1f, true), (2.5f, true) })
                    {
                        c0.CopyTo(c, 0);
                        Gemm.Multiply(storedA, storedB, c, m, n, k, transA, transB, alpha, accumulate, level, threads: 1);
                        for (int i = 0; i < m * n; i++)
                        {
                            double start = accumulate ? c0[i] : 0;
                            double expected = alpha * product[i] + start;
                            double bound = Tolerance * (Math.Abs(alpha) * magnitude[i] + Math.Abs(start));
                            if (Math.Abs(c[i] - expected) > bound)
                                Assert.Fail($"{level} transA={transA} transB={transB} alpha={alpha} accumulate={accumulate} " +
                                    $"{m}x{n}x{k}: C[{i / n},{i % n}] = {c[i]}, expected {expected} ± {bound}.");
                        }
                    }
                }
    }

    [Theory]
    [InlineData(200, 150, 100)]
    [InlineData(150, 300, 70)]
    [InlineData(1, 4096, 300)]
    [InlineData(4096, 1, 300)]
    [InlineData(256, 64, 520)]
    public void TwoThreadsGiveTheSameBitsAsOneAndOneThreadIsReproducible(int m, int n, int k)
    {
        var random = new Random(99);
        float[] a = RandomValues(random, m * k), b = RandomValues(random, k * n);
        foreach (var level in Simd.Supported)
            foreach (bool transB in new[] { false, true })
            {
                float[] first = new float[m * n], again = new float[m * n], twoThreads = new float[m * n];
                Gemm.Multiply(a, b, first, m, n, k, false, transB, 1f, false, level, threads: 1);
                Gemm.Multiply(a, b, again, m, n, k, false, transB, 1f, false, level, threads: 1);
                Gemm.Multiply(a, b, twoThreads, m, n, k, false, transB, 1f, false, level, threads: 2);
                Assert.Equal(first, again);
                // Parts split C along whole tiles and each element keeps its summation order,
                // so the thread count does not change a bit (stronger than a tolerance).
                Assert.Equal(first, twoThreads);
            }
    }

    [Fact]
    public void ATeamSharingPackedBPanelsGivesTheSameBitsAsOneThread()
    {
        // N ≤ M: two threads split M and pack each B panel together. K = 1100 gives 3 Kc slices
        // on AVX-512 (367 each) and 5 on AVX2 (220), so each of the two shared panels, used in
        // turn, is refilled while the other member may still read the other one. Non-multiples of Mr and Nr hit the edges.
        // The scalar kernel takes the same path but is too slow for a quick test at this size.
        const int m = 1030, n = 1000, k = 1100;
        var random = new Random(7);
        float[] a = RandomValues(random, m * k), b = RandomValues(random, k * n);
        float[] c0 = RandomValues(random, m * n), one = new float[m * n], two = new float[m * n];
        foreach (var level in Simd.Supported.Where(level => level != SimdLevel.Scalar))
            foreach (bool transB in new[] { false, true })
            {
                float[] storedB = transB ? Transpose(b, k, n) : b;
                c0.CopyTo(one, 0);
                c0.CopyTo(two, 0);
                Gemm.Multiply(a, storedB, one, m, n, k, false, transB, 0.5f, true, level, threads: 1);
                long before = GC.GetAllocatedBytesForCurrentThread();
                Gemm.Multiply(a, storedB, two, m, n, k, false, transB, 0.5f, true, level, threads: 2);
                if (transB) // the first call at this level has grown the buffers
                    Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
                Assert.Equal(one, two);
                // Spot-check the team's result against a double-precision sum, rows from both halves.
                for (int sample = 0; sample < 200; sample++)
                {
                    int i = random.Next(m), j = random.Next(n);
                    double expected = c0[i * n + j], magnitude = Math.Abs(c0[i * n + j]);
                    for (int p = 0; p < k; p++)
                    {
                        double term = 0.5 * a[i * k + p] * b[p * n + j];
                        expected += term;
                        magnitude += Math.Abs(term);
                    }
                    Assert.True(Math.Abs(two[i * n + j] - expected) <= Tolerance * magnitude,
                        $"{level} transB={transB}: C[{i},{j}] = {two[i * n + j]}, expected {expected}.");
                }
            }
    }

    [Fact]
    public void CallsStayExactWhenWorkersComeLateOrNotAtAll()
    {
        // Team products with one B panel (the in-batch logits, tower layers) and split-N parts,
        // called back to back, after pauses (workers asleep) and beside busy threads (workers
        // preempted), from two callers at once (one finds the pool busy): whoever claims a
        // part computes it, a late worker finds nothing left, and every result has one thread's bits.
        (int M, int N, int K, bool TransB)[] shapes = [(333, 200, 64, true), (300, 130, 100, false), (40, 700, 90, true)];
        var random = new Random(11);
        var cases = shapes.Select(s =>
        {
            float[] a = RandomValues(random, s.M * s.K), b = RandomValues(random, s.K * s.N), expected = new float[s.M * s.N];
            Gemm.Multiply(a, b, expected, s.M, s.N, s.K, false, s.TransB, 1f, false, Simd.Best, threads: 1);
            return (s, a, b, expected);
        }).ToArray();
        bool stop = false;
        var busy = Enumerable.Range(0, 2).Select(_ => new Thread(() => { while (!Volatile.Read(ref stop)) Thread.SpinWait(5000); })).ToArray();
        foreach (var thread in busy) thread.Start();
        void Call(int seed)
        {
            var local = new Random(seed);
            for (int call = 0; call < 150; call++)
            {
                var (s, a, b, expected) = cases[call % cases.Length];
                var c = new float[s.M * s.N];
                if (local.Next(8) == 0) Thread.Sleep(local.Next(2));
                Gemm.Multiply(a, b, c, s.M, s.N, s.K, false, s.TransB, 1f, false, Simd.Best, threads: 2);
                Assert.Equal(expected, c);
            }
        }
        try
        {
            Parallel.Invoke(() => Call(1), () => Call(2));
        }
        finally
        {
            Volatile.Write(ref stop, true);
            foreach (var thread in busy) thread.Join();
        }
    }

    [Theory]
    [InlineData(300, 200, 100, 1)]
    [InlineData(300, 200, 100, 2)]
    [InlineData(1, 300, 200, 1)]
    public void SteadyStateCallsAllocateNothing(int m, int n, int k, int threads)
    {
        var random = new Random(5);
        float[] a = RandomValues(random, m * k), b = RandomValues(random, k * n), c = new float[m * n];
        foreach (var level in Simd.Supported)
        {
            Gemm.Multiply(a, b, c, m, n, k, false, true, 1f, false, level, threads); // warm: buffers, workers, JIT
            long before = GC.GetAllocatedBytesForCurrentThread();
            Gemm.Multiply(a, b, c, m, n, k, false, true, 1f, false, level, threads);
            Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    [Fact]
    public void EmptyDepthWritesZerosOrLeavesCAlone()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply([], [], c, 2, 3, 0, accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c);
        Gemm.Multiply([], [], c, 2, 3, 0);
        Assert.Equal(new float[6], c);
    }

    [Fact]
    public void TensorOverloadTakesShapesFromTheTensors()
    {
        // A = [[1,2,3],[4,5,6]], B^T stored as [[1,0,1],[0,1,0]]: A·B = [[1+3, 2], [4+6, 5]].
        using var a = Tensor.From([1, 2, 3, 4, 5, 6], 2, 3);
        using var bT = Tensor.From([1, 0, 1, 0, 1, 0], 2, 3);
        using var c = Tensor.Zeros(2, 2);
        Gemm.Multiply(a, bT, c, transB: true);
        Assert.Equal([4f, 2, 10, 5], c.Span.ToArray());
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, a, c));
    }

    [Fact]
    public void ShortSpansAndNegativeSizesAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[5], new float[6], new float[4], 2, 2, 3));
        Assert.Contains("m*k = 6", ex.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], new float[5], new float[4], 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], new float[6], new float[3], 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply([], [], [], -1, 2, 3));
    }

    static float[] RandomValues(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
        return t;
    }

    static (double[] Product, double[] Magnitude) Reference(float[] a, float[] b, int m, int n, int k)
    {
        double[] product = new double[m * n], magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
            {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++)
                {
                    double term = aip * b[p * n + j];
                    product[i * n + j] += term;
                    magnitude[i * n + j] += Math.Abs(term);
                }
            }
        return (product, magnitude);
    }
}
