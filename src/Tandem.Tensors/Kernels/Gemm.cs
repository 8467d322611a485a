namespace Tandem.Tensors.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major matrices: a cache-blocked, packed,
/// register-tiled SGEMM (AVX-512, AVX2 + FMA or scalar, chosen by <see cref="Simd.Best"/>) with a
/// matrix-vector path for a single row or column, multithreaded over <see cref="Threads.Count"/>.
/// </summary>
/// <remarks>
/// Thread safety: calls may run concurrently from any threads on disjoint outputs. Every element
/// of C sums its k products in an order that depends only on the shapes and the SIMD level, so
/// results are bit-identical run to run and for any thread count.
/// </remarks>
public static unsafe class Gemm
{
    // Below this many multiply-adds per extra thread, waking a worker costs more than it saves.
    const long MinWorkPerThread = 1L << 17;

    /// <summary>
    /// <c>C = alpha · op(A) · op(B)</c>, or <c>C += ...</c> when <paramref name="accumulate"/>,
    /// where op(A) is m×k and op(B) is k×n. A is stored m×k (k×m when <paramref name="transA"/>),
    /// B is stored k×n (n×k when <paramref name="transB"/>), C is m×n.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is negative or a span is shorter than its matrix.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k, bool transA = false, bool transB = false, float alpha = 1f, bool accumulate = false)
        => Multiply(a, b, c, m, n, k, transA, transB, alpha, accumulate, Simd.Best, Threads.Count);

    /// <summary>The same product on 2-D tensors, with m, n and k taken from their shapes.</summary>
    /// <exception cref="ArgumentException">The shapes do not agree.</exception>
    public static void Multiply(Tensor a, Tensor b, Tensor c, bool transA = false, bool transB = false, float alpha = 1f, bool accumulate = false)
    {
        if (a.Rank != 2 || b.Rank != 2 || c.Rank != 2)
            throw new ArgumentException($"Gemm needs matrices, got {a}, {b} and {c}.");
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb || c.Shape[0] != m || c.Shape[1] != n)
            throw new ArgumentException($"Gemm shapes disagree: op(A) is {m}x{k}, op(B) is {kb}x{n}, C is {c.Shape[0]}x{c.Shape[1]}.");
        Multiply(a.Span, b.Span, c.Span, m, n, k, transA, transB, alpha, accumulate);
    }

    /// <summary>The product on an explicit SIMD level and thread count, so tests can run every path.</summary>
    internal static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k, bool transA, bool transB, float alpha, bool accumulate, SimdLevel level, int threads)
    {
        Validate(a.Length, b.Length, c.Length, m, n, k);
        if (level > Simd.Best) throw new ArgumentException($"SIMD level {level} is not supported here (best is {Simd.Best}).", nameof(level));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new Job(new GemmOperands(pa, pb, pc, m, n, k, transA, transB, alpha, accumulate), level);
            long work = (long)m * n * k;
            int useful = (int)Math.Clamp(work / MinWorkPerThread, 1, Math.Max(threads, 1));
            int parts = job.Plan(useful);
            if (job.SharesB) Workers.RunTeam(useful, &PrepareTeam, &RunMember, &job);
            else Workers.Run(useful, parts, &RunPart, &job);
        }
    }

    static void RunPart(void* state, int part) => ((Job*)state)->Run(part);

    static void PrepareTeam(void* state) => ((Job*)state)->PrepareTeam();

    static void RunMember(void* state, int member, int members) => ((Job*)state)->RunMember(member, members);

    /// <summary>
    /// How one call is cut into parts: contiguous ranges of whole tiles along M or N. There are
    /// a few more parts than threads, so a thread slowed by other work on the machine hands
    /// parts to the others; parts stay large enough that re-packing the shared operand is cheap.
    /// When M is split, the threads instead form a team that packs each B panel once, together.
    /// </summary>
    struct Job(GemmOperands g, SimdLevel level)
    {
        // A part of the blocked kernel re-packs the unsplit operand, so give it at least this
        // many rows (or columns) to amortise that over.
        const int MinPartLength = 256;
        const int PartsPerThread = 2;
        const long LargeOperand = 1 << 20;

        readonly GemmOperands g = g;
        readonly SimdLevel level = level;
        bool splitM, sharesB;
        int unit, parts;

        /// <summary>Whether <see cref="Plan"/> chose one packed B shared by a team (<see cref="RunMember"/>).</summary>
        public readonly bool SharesB => sharesB;

        /// <summary>Chooses the split for <paramref name="threads"/> threads and returns the number of parts.</summary>
        public int Plan(int threads)
        {
            if (g.M == 1 || g.N == 1)
            {
                // Matrix-vector: memory-bound and cheap to split, one even part per thread.
                splitM = g.N == 1;
                unit = 64;
                int vectorUnits = ((splitM ? g.M : g.N) + unit - 1) / unit;
                return parts = Math.Max(1, Math.Min(threads, vectorUnits));
            }
            (int mr, int nr) = level switch
            {
                SimdLevel.Avx512 => (Avx512MicroKernel.Mr, Avx512MicroKernel.Nr),
                SimdLevel.Avx2 => (Avx2MicroKernel.Mr, Avx2MicroKernel.Nr),
                _ => (ScalarMicroKernel.Mr, ScalarMicroKernel.Nr),
            };
            // Each part packs its own copy of the operand it does not split, so split the
            // dimension whose other operand is cheaper to repack, unless it has too few tiles.
            bool preferM = g.N <= g.M;
            int mTiles = (g.M + mr - 1) / mr, nTiles = (g.N + nr - 1) / nr;
            int preferred = preferM ? mTiles : nTiles, other = preferM ? nTiles : mTiles;
            splitM = preferred >= threads || preferred >= other ? preferM : !preferM;
            unit = splitM ? mr : nr;
            int length = splitM ? g.M : g.N, units = (length + unit - 1) / unit;
            // A large unsplit operand comes from memory again for every part: then one part per thread.
            long repacked = splitM ? (long)g.K * g.N : (long)g.M * g.K;
            // When M is split, B is instead packed once per panel by all the threads together (a
            // team) rather than once per part: with parts, each thread transposed all of Bᵀ twice
            // per call of the in-batch logits (1024×64×1024, B transposed).
            sharesB = splitM && threads > 1;
            int most = repacked > LargeOperand ? threads : threads * PartsPerThread;
            int wanted = threads == 1 ? 1 : Math.Clamp(length / MinPartLength, threads, most);
            return parts = Math.Max(1, Math.Min(wanted, units));
        }

        public readonly void Run(int part)
        {
            int length = splitM ? g.M : g.N;
            int units = (length + unit - 1) / unit;
            int start = (int)Math.Min((long)units * part / parts * unit, length);
            int end = (int)Math.Min((long)units * (part + 1) / parts * unit, length);
            if (start >= end) return;
            (int m0, int m1, int n0, int n1) = splitM ? (start, end, 0, g.N) : (0, g.M, start, end);
            if (g.M == 1 || g.N == 1) RunGemv(m0, m1, n0, n1);
            else if (level == SimdLevel.Avx512) GemmBlocked.Run<Avx512MicroKernel>(g, m0, m1, n0, n1);
            else if (level == SimdLevel.Avx2) GemmBlocked.Run<Avx2MicroKernel>(g, m0, m1, n0, n1);
            else GemmBlocked.Run<ScalarMicroKernel>(g, m0, m1, n0, n1);
        }

        public readonly void PrepareTeam()
        {
            if (level == SimdLevel.Avx512) GemmBlocked.PrepareTeam<Avx512MicroKernel>(g);
            else if (level == SimdLevel.Avx2) GemmBlocked.PrepareTeam<Avx2MicroKernel>(g);
            else GemmBlocked.PrepareTeam<ScalarMicroKernel>(g);
        }

        public readonly void RunMember(int member, int members)
        {
            if (level == SimdLevel.Avx512) GemmBlocked.RunTeamMember<Avx512MicroKernel>(g, member, members);
            else if (level == SimdLevel.Avx2) GemmBlocked.RunTeamMember<Avx2MicroKernel>(g, member, members);
            else GemmBlocked.RunTeamMember<ScalarMicroKernel>(g, member, members);
        }

        readonly void RunGemv(int m0, int m1, int n0, int n1)
        {
            if (g.M == 1)
            {
                // y = C row (n), x = A (k values in either layout), matrix = B.
                if (g.TransB) Gemv.DotRows(level, g.B + (nint)n0 * g.K, g.K, n1 - n0, g.K, g.A, g.C + n0, g.Alpha, g.Accumulate);
                else Gemv.AxpyRows(level, g.B + n0, g.N, g.K, n1 - n0, g.A, g.C + n0, g.Alpha, g.Accumulate);
            }
            else
            {
                // y = C column (m), x = B (k values in either layout), matrix = A.
                if (g.TransA) Gemv.AxpyRows(level, g.A + m0, g.M, g.K, m1 - m0, g.B, g.C + m0, g.Alpha, g.Accumulate);
                else Gemv.DotRows(level, g.A + (nint)m0 * g.K, g.K, m1 - m0, g.K, g.B, g.C + m0, g.Alpha, g.Accumulate);
            }
        }
    }

    static void Validate(int aLength, int bLength, int cLength, int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm dimensions must be non-negative, got m={m}, n={n}, k={k}.");
        if (aLength < (long)m * k) throw new ArgumentException($"A holds {aLength} values, fewer than m*k = {(long)m * k}.");
        if (bLength < (long)k * n) throw new ArgumentException($"B holds {bLength} values, fewer than k*n = {(long)k * n}.");
        if (cLength < (long)m * n) throw new ArgumentException($"C holds {cLength} values, fewer than m*n = {(long)m * n}.");
    }
}
