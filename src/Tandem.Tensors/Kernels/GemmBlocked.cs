namespace Tandem.Tensors.Kernels;

/// <summary>
/// The GotoBLAS/BLIS loop nest around a micro-kernel: Nc-column blocks of B packed once per Kc
/// slice (L3), Mc-row blocks of A packed per slice (L2), then Nr×Mr tiles with the B panel held in
/// L1. Each C element sums its k terms in the same order whatever sub-block a thread is given, so
/// results do not depend on the thread count.
/// </summary>
internal static unsafe class GemmBlocked
{
    // With few columns each packed A value is used by few tiles, so packing (a transpose for
    // row-major A) costs more than reading A's rows directly.
    const int DirectMaxN = 256;

    // Runs of rows each team member claims, on average, from a one-panel product.
    const int RunsPerMember = 4;

    /// <summary>Computes the block C[m0..m1) × [n0..n1) of the product on the calling thread.</summary>
    public static void Run<TKernel>(in GemmOperands g, int m0, int m1, int n0, int n1)
        where TKernel : IGemmMicroKernel
    {
        var blocks = new Blocking<TKernel>(g, m0, m1, n0, n1);
        var buffers = GemmBuffers.ForThisThread(blocks.PackedAFloats, blocks.PackedBFloats);
        for (int jc = n0; jc < n1; jc += blocks.NcMax)
        {
            int nc = Math.Min(blocks.NcMax, n1 - jc);
            for (int pc = 0; pc < g.K; pc += blocks.KcMax)
            {
                int kc = Math.Min(blocks.KcMax, g.K - pc);
                GemmPacking.PackB(g, pc, kc, jc, nc, TKernel.Nr, buffers.B, TKernel.Level);
                MultiplyPanel<TKernel>(g, blocks, m0, m1, pc, kc, jc, nc, buffers.A, buffers.B);
            }
        }
    }

    // The team's Claim counters: B panels to pack, B panels packed, runs of A rows.
    const int PackClaims = 0, Packed = 1, RowClaims = 2;

    // Chunks of B panels each team member packs, on average, in a one-panel product.
    const int ChunksPerMember = 4;

    /// <summary>Sizes the team's shared B buffer; runs before the members of <see cref="RunTeamMember"/> start.</summary>
    public static void PrepareTeam<TKernel>(in GemmOperands g) where TKernel : IGemmMicroKernel
    {
        var blocks = new Blocking<TKernel>(g, 0, g.M, 0, g.N);
        GemmBuffers.Team.Reserve(0, 2 * (blocks.PackedBFloats + GemmPacking.Slack));
    }

    /// <summary>
    /// Member <paramref name="member"/> of a <see cref="Workers.RunTeam"/> team computes
    /// C[its share of rows) × all columns. The team packs each B panel once, every member a share
    /// of its Nr-column panels into a shared buffer, and each member multiplies its own
    /// (privately packed) rows of A against all of it. Sums run in the same order as <see cref="Run"/>.
    /// When B is one panel (the tower layers, the in-batch logits), members instead claim chunks
    /// of B to pack and then runs of rows as they come, so a member that starts late or is slowed
    /// by other work on the machine takes fewer, and one that never comes is not waited for.
    /// </summary>
    public static void RunTeamMember<TKernel>(in GemmOperands g, int member, int members)
        where TKernel : IGemmMicroKernel
    {
        if (members == 1)
        {
            Run<TKernel>(g, 0, g.M, 0, g.N);
            return;
        }
        var blocks = new Blocking<TKernel>(g, 0, g.M, 0, g.N);
        float* packA = GemmBuffers.ForThisThread(blocks.PackedAFloats, 0).A;
        float* packB = GemmBuffers.Team.B;
        if (g.N <= blocks.NcMax && g.K <= blocks.KcMax)
        {
            PackClaimedPanels<TKernel>(g, members, packB);
            MultiplyClaimedRows<TKernel>(g, blocks, members, packA, packB);
            return;
        }
        int mr = TKernel.Mr, nr = TKernel.Nr;
        int mTiles = (g.M + mr - 1) / mr;
        int m0 = Math.Min(mTiles * member / members * mr, g.M), m1 = Math.Min(mTiles * (member + 1) / members * mr, g.M);
        // Two panels, used in turn: a member may pack the next panel while the others still
        // multiply with the current one, so the team meets once per panel, not twice. A panel
        // is only re-packed after everyone passed the meeting that followed its last use.
        float* nextB = packB + blocks.PackedBFloats + GemmPacking.Slack;
        // A share of Nr-column panels is packed at its own offset, so no transpose spills into
        // another member's share (only panels narrower than 16 spill, and Nr is at least 16 here).
        System.Diagnostics.Debug.Assert(nr >= 16 || TKernel.Level != SimdLevel.Avx512);
        for (int jc = 0; jc < g.N; jc += blocks.NcMax)
        {
            int nc = Math.Min(blocks.NcMax, g.N - jc);
            int panels = (nc + nr - 1) / nr;
            int share0 = Math.Min(panels * member / members * nr, nc), share1 = Math.Min(panels * (member + 1) / members * nr, nc);
            for (int pc = 0; pc < g.K; pc += blocks.KcMax)
            {
                int kc = Math.Min(blocks.KcMax, g.K - pc);
                if (share0 < share1)
                    GemmPacking.PackB(g, pc, kc, jc + share0, share1 - share0, nr, packB + (nint)share0 * kc, TKernel.Level);
                Workers.Barrier(); // the panel is whole, and nobody reads the other one any more
                MultiplyPanel<TKernel>(g, blocks, m0, m1, pc, kc, jc, nc, packA, packB);
                float* used = packB;
                packB = nextB;
                nextB = used;
            }
        }
    }

    /// <summary>
    /// Packs all of B (one panel) into <paramref name="packB"/> by chunks of Nr-column panels
    /// claimed from the team, then waits for the chunks the other members claimed.
    /// </summary>
    static void PackClaimedPanels<TKernel>(in GemmOperands g, int members, float* packB)
        where TKernel : IGemmMicroKernel
    {
        int nr = TKernel.Nr, panels = (g.N + nr - 1) / nr;
        int panelsPerChunk = (panels + members * ChunksPerMember - 1) / (members * ChunksPerMember);
        int chunks = (panels + panelsPerChunk - 1) / panelsPerChunk;
        for (int chunk; (chunk = Workers.Claim(PackClaims)) < chunks;)
        {
            int j0 = chunk * panelsPerChunk * nr;
            GemmPacking.PackB(g, 0, g.K, j0, Math.Min(panelsPerChunk * nr, g.N - j0), nr, packB + (nint)j0 * g.K, TKernel.Level);
            Workers.Claim(Packed);
        }
        Workers.Await(Packed, chunks);
    }

    /// <summary>
    /// Multiplies the one B panel of the product by runs of whole Mr-row tiles of A, claimed from
    /// the team until none is left: a few runs per member, enough to even out, long enough to
    /// amortise packing their A.
    /// </summary>
    static void MultiplyClaimedRows<TKernel>(in GemmOperands g, in Blocking<TKernel> blocks, int members, float* packA, float* packB)
        where TKernel : IGemmMicroKernel
    {
        int mr = TKernel.Mr, mTiles = (g.M + mr - 1) / mr;
        int tilesPerRun = (mTiles + members * RunsPerMember - 1) / (members * RunsPerMember);
        for (int run; (run = Workers.Claim(RowClaims)) * tilesPerRun < mTiles;)
        {
            int r0 = run * tilesPerRun * mr;
            MultiplyPanel<TKernel>(g, blocks, r0, Math.Min(r0 + tilesPerRun * mr, g.M), 0, g.K, 0, g.N, packA, packB);
        }
    }

    /// <summary>C[m0..m1) × [jc..jc+nc) (+)= A[m0..m1) × [pc..pc+kc) · packed B panel.</summary>
    static void MultiplyPanel<TKernel>(in GemmOperands g, in Blocking<TKernel> blocks, int m0, int m1,
        int pc, int kc, int jc, int nc, float* packA, float* packB)
        where TKernel : IGemmMicroKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        nint ldc = g.N;
        bool add = g.Accumulate || pc > 0;
        for (int ic = m0; ic < m1; ic += blocks.McMax)
        {
            int mc = Math.Min(blocks.McMax, m1 - ic);
            // Direct mode reads whole Mr-row tiles from A and packs only a partial last one.
            int packedFrom = blocks.Direct ? mc / mr * mr : 0;
            if (packedFrom < mc)
                GemmPacking.PackA(g, ic + packedFrom, mc - packedFrom, pc, kc, mr, packA, TKernel.Level);
            for (int jr = 0; jr < nc; jr += nr)
            {
                float* panelB = packB + (nint)jr * kc;
                int cols = Math.Min(nr, nc - jr);
                float* c = g.C + (nint)ic * ldc + jc + jr;
                int ir = 0;
                for (; ir < packedFrom; ir += mr)
                    TKernel.RunDirect(kc, g.A + (nint)(ic + ir) * g.K + pc, g.K, panelB, c + ir * ldc, ldc, cols, g.Alpha, add);
                for (; ir < mc; ir += mr)
                    TKernel.Run(kc, packA + (nint)(ir - packedFrom) * kc, panelB, c + ir * ldc, ldc,
                        Math.Min(mr, mc - ir), cols, g.Alpha, add);
            }
        }
    }

    /// <summary>Block sizes for C[m0..m1) × [n0..n1). Kc depends on K alone, which fixes the summation order.</summary>
    readonly struct Blocking<TKernel> where TKernel : IGemmMicroKernel
    {
        public readonly int KcMax, McMax, NcMax;
        public readonly bool Direct;

        public Blocking(in GemmOperands g, int m0, int m1, int n0, int n1)
        {
            // Even Kc slices (300 = 150 + 150 rather than 256 + 44) keep the tail slice efficient.
            int slices = (g.K + TKernel.Kc - 1) / TKernel.Kc;
            KcMax = (g.K + slices - 1) / slices;
            McMax = Math.Min(TKernel.Mc, RoundUp(m1 - m0, TKernel.Mr));
            NcMax = Math.Min(TKernel.Nc, RoundUp(n1 - n0, TKernel.Nr));
            Direct = !g.TransA && n1 - n0 <= DirectMaxN;
        }

        public nint PackedAFloats => (nint)McMax * KcMax;
        public nint PackedBFloats => (nint)KcMax * NcMax;
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
