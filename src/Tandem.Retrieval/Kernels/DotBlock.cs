using System.Runtime.Intrinsics;
using Tandem.Tensors;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// All inner products between two sets of row-major vectors: <c>destination[i*n + j] = a_i · b_j</c>
/// for <c>a</c> (m×d) and <c>b</c> (n×d). The SIMD path works on 4×4 tiles so each loaded vector
/// feeds four products. Used by k-means and IVF assignment (Flat batches use Gemm).
/// </summary>
internal static unsafe class DotBlock
{
    /// <summary>Computes the m×n products at <paramref name="level"/>; spans are trusted to be long enough.</summary>
    public static void Compute(float* a, int m, float* b, int n, int d, float* destination, SimdLevel level)
    {
        // Short vectors (PQ sub-vectors) gain nothing from tiles: a plain loop the JIT unrolls is fastest.
        if (level != SimdLevel.Avx512 || d < 16)
        {
            if (d < 16)
            {
                for (int i = 0; i < m; i++)
                {
                    float* x = a + (long)i * d, row = destination + (long)i * n;
                    for (int j = 0; j < n; j++)
                    {
                        float* y = b + (long)j * d;
                        float sum = 0;
                        for (int p = 0; p < d; p++) sum += x[p] * y[p];
                        row[j] = sum;
                    }
                }
                return;
            }
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    destination[(long)i * n + j] = PairKernel.Run<DotOp>(a + (long)i * d, b + (long)j * d, d, level);
            return;
        }
        int m4 = m & ~3, n4 = n & ~3;
        for (int i = 0; i < m4; i += 4)
        {
            for (int j = 0; j < n4; j += 4) Tile(a + (long)i * d, b + (long)j * d, d, destination + (long)i * n + j, n);
            for (int j = n4; j < n; j++)
                for (int r = 0; r < 4; r++)
                    destination[(long)(i + r) * n + j] = DotOp.Vector512Path(a + (long)(i + r) * d, b + (long)j * d, d);
        }
        for (int i = m4; i < m; i++)
            for (int j = 0; j < n; j++)
                destination[(long)i * n + j] = DotOp.Vector512Path(a + (long)i * d, b + (long)j * d, d);
    }

    /// <summary>A 4×4 tile: 16 accumulators over d in steps of 16, then a tail through Vector256 and scalars.</summary>
    static void Tile(float* a, float* b, int d, float* c, int ldc)
    {
        var c00 = Vector512<float>.Zero; var c01 = c00; var c02 = c00; var c03 = c00;
        var c10 = c00; var c11 = c00; var c12 = c00; var c13 = c00;
        var c20 = c00; var c21 = c00; var c22 = c00; var c23 = c00;
        var c30 = c00; var c31 = c00; var c32 = c00; var c33 = c00;
        float* a0 = a, a1 = a + d, a2 = a + 2 * d, a3 = a + 3 * d;
        float* b0 = b, b1 = b + d, b2 = b + 2 * d, b3 = b + 3 * d;
        int p = 0;
        for (; p <= d - 16; p += 16)
        {
            var x0 = Vector512.Load(a0 + p); var x1 = Vector512.Load(a1 + p); var x2 = Vector512.Load(a2 + p); var x3 = Vector512.Load(a3 + p);
            var y = Vector512.Load(b0 + p);
            c00 = Vector512.FusedMultiplyAdd(x0, y, c00); c10 = Vector512.FusedMultiplyAdd(x1, y, c10);
            c20 = Vector512.FusedMultiplyAdd(x2, y, c20); c30 = Vector512.FusedMultiplyAdd(x3, y, c30);
            y = Vector512.Load(b1 + p);
            c01 = Vector512.FusedMultiplyAdd(x0, y, c01); c11 = Vector512.FusedMultiplyAdd(x1, y, c11);
            c21 = Vector512.FusedMultiplyAdd(x2, y, c21); c31 = Vector512.FusedMultiplyAdd(x3, y, c31);
            y = Vector512.Load(b2 + p);
            c02 = Vector512.FusedMultiplyAdd(x0, y, c02); c12 = Vector512.FusedMultiplyAdd(x1, y, c12);
            c22 = Vector512.FusedMultiplyAdd(x2, y, c22); c32 = Vector512.FusedMultiplyAdd(x3, y, c32);
            y = Vector512.Load(b3 + p);
            c03 = Vector512.FusedMultiplyAdd(x0, y, c03); c13 = Vector512.FusedMultiplyAdd(x1, y, c13);
            c23 = Vector512.FusedMultiplyAdd(x2, y, c23); c33 = Vector512.FusedMultiplyAdd(x3, y, c33);
        }
        float* row0 = c, row1 = c + ldc, row2 = c + 2 * ldc, row3 = c + 3 * ldc;
        row0[0] = Vector512.Sum(c00); row0[1] = Vector512.Sum(c01); row0[2] = Vector512.Sum(c02); row0[3] = Vector512.Sum(c03);
        row1[0] = Vector512.Sum(c10); row1[1] = Vector512.Sum(c11); row1[2] = Vector512.Sum(c12); row1[3] = Vector512.Sum(c13);
        row2[0] = Vector512.Sum(c20); row2[1] = Vector512.Sum(c21); row2[2] = Vector512.Sum(c22); row2[3] = Vector512.Sum(c23);
        row3[0] = Vector512.Sum(c30); row3[1] = Vector512.Sum(c31); row3[2] = Vector512.Sum(c32); row3[3] = Vector512.Sum(c33);
        if (p < d)
            for (int r = 0; r < 4; r++)
                for (int s = 0; s < 4; s++)
                    c[r * ldc + s] += DotOp.Vector256Path(a + r * d + p, b + s * d + p, d - p);
    }
}
