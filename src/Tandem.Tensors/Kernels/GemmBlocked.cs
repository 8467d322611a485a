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

    /// <summary>Computes the block C[m0..m1) × [n0..n1) of the product on the calling thread.</summary>
    public static void Run<TKernel>(in GemmOperands g, int m0, int m1, int n0, int n1)
        where TKernel : IGemmMicroKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        // Even Kc slices (300 = 150 + 150 rather than 256 + 44) keep the tail slice efficient.
        int slices = (g.K + TKernel.Kc - 1) / TKernel.Kc;
        int kcMax = (g.K + slices - 1) / slices;
        int mcMax = Math.Min(TKernel.Mc, RoundUp(m1 - m0, mr));
        int ncMax = Math.Min(TKernel.Nc, RoundUp(n1 - n0, nr));
        var buffers = GemmBuffers.ForThisThread((nint)mcMax * kcMax, (nint)kcMax * ncMax);
        float* packA = buffers.A, packB = buffers.B;
        nint ldc = g.N;
        bool direct = !g.TransA && n1 - n0 <= DirectMaxN;

        for (int jc = n0; jc < n1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n1 - jc);
            for (int pc = 0; pc < g.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, g.K - pc);
                bool add = g.Accumulate || pc > 0;
                GemmPacking.PackB(g, pc, kc, jc, nc, nr, packB, TKernel.Level);
                for (int ic = m0; ic < m1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m1 - ic);
                    // Direct mode reads whole Mr-row tiles from A and packs only a partial last one.
                    int packedFrom = direct ? mc / mr * mr : 0;
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
        }
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
