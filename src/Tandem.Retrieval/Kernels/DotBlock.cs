using System.Runtime.Intrinsics;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// All inner products between two sets of row-major vectors: <c>destination[i*n + j] = a_i · b_j</c>
/// for <c>a</c> (m×d) and <c>b</c> (n×d). With 512-bit vectors it works on 4×4 tiles so each loaded
/// vector feeds four products. Used by k-means and IVF assignment (Flat batches use Gemm).
/// </summary>
internal static unsafe class DotBlock
{
    /// <summary>Computes the m×n products at <paramref name="level"/>; spans are trusted to be long enough.</summary>
    public static void Compute(float* a, int m, float* b, int n, int d, float* destination, SimdLevel level)
    {
        // Short vectors (PQ sub-vectors) gain nothing from vectors: scalar products are fastest.
        switch (d < 16 ? SimdLevel.Scalar : level)
        {
            case SimdLevel.Avx512: Compute<Avx512Simd, Vector512<float>>(a, m, b, n, d, destination); break;
            case SimdLevel.Avx2: Compute<Avx2Simd, Vector256<float>>(a, m, b, n, d, destination); break;
            default: Compute<ScalarSimd, float>(a, m, b, n, d, destination); break;
        }
    }

    static void Compute<TSimd, TVec>(float* a, int m, float* b, int n, int d, float* destination) where TSimd : ISimd<TVec> where TVec : struct
    {
        // A tile holds 16 accumulators and 5 operands: it fits AVX-512's 32 registers, not AVX2's 16.
        int m4 = TSimd.Count == 16 ? m & ~3 : 0, n4 = n & ~3;
        for (int i = 0; i < m4; i += 4)
        {
            for (int j = 0; j < n4; j += 4) Tile<TSimd, TVec>(a + (long)i * d, b + (long)j * d, d, destination + (long)i * n + j, n);
            for (int j = n4; j < n; j++)
                for (int r = 0; r < 4; r++)
                    destination[(long)(i + r) * n + j] = RowMath.Dot<TSimd, TVec>(a + (long)(i + r) * d, b + (long)j * d, d);
        }
        for (int i = m4; i < m; i++)
            for (int j = 0; j < n; j++)
                destination[(long)i * n + j] = RowMath.Dot<TSimd, TVec>(a + (long)i * d, b + (long)j * d, d);
    }

    /// <summary>A 4×4 tile: 16 accumulators over d in whole vectors, then the remainder one float at a time.</summary>
    static void Tile<TSimd, TVec>(float* a, float* b, int d, float* c, int ldc) where TSimd : ISimd<TVec> where TVec : struct
    {
        TVec c00 = TSimd.Splat(0), c01 = c00, c02 = c00, c03 = c00;
        TVec c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        TVec c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        TVec c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        float* a0 = a, a1 = a + d, a2 = a + 2 * d, a3 = a + 3 * d;
        float* b0 = b, b1 = b + d, b2 = b + 2 * d, b3 = b + 3 * d;
        int w = TSimd.Count, p = 0;
        for (; p <= d - w; p += w)
        {
            TVec x0 = TSimd.Load(a0 + p), x1 = TSimd.Load(a1 + p), x2 = TSimd.Load(a2 + p), x3 = TSimd.Load(a3 + p);
            TVec y = TSimd.Load(b0 + p);
            c00 = TSimd.MultiplyAdd(x0, y, c00); c10 = TSimd.MultiplyAdd(x1, y, c10);
            c20 = TSimd.MultiplyAdd(x2, y, c20); c30 = TSimd.MultiplyAdd(x3, y, c30);
            y = TSimd.Load(b1 + p);
            c01 = TSimd.MultiplyAdd(x0, y, c01); c11 = TSimd.MultiplyAdd(x1, y, c11);
            c21 = TSimd.MultiplyAdd(x2, y, c21); c31 = TSimd.MultiplyAdd(x3, y, c31);
            y = TSimd.Load(b2 + p);
            c02 = TSimd.MultiplyAdd(x0, y, c02); c12 = TSimd.MultiplyAdd(x1, y, c12);
            c22 = TSimd.MultiplyAdd(x2, y, c22); c32 = TSimd.MultiplyAdd(x3, y, c32);
            y = TSimd.Load(b3 + p);
            c03 = TSimd.MultiplyAdd(x0, y, c03); c13 = TSimd.MultiplyAdd(x1, y, c13);
            c23 = TSimd.MultiplyAdd(x2, y, c23); c33 = TSimd.MultiplyAdd(x3, y, c33);
        }
        float* row0 = c, row1 = c + ldc, row2 = c + 2 * ldc, row3 = c + 3 * ldc;
        row0[0] = TSimd.Sum(c00); row0[1] = TSimd.Sum(c01); row0[2] = TSimd.Sum(c02); row0[3] = TSimd.Sum(c03);
        row1[0] = TSimd.Sum(c10); row1[1] = TSimd.Sum(c11); row1[2] = TSimd.Sum(c12); row1[3] = TSimd.Sum(c13);
        row2[0] = TSimd.Sum(c20); row2[1] = TSimd.Sum(c21); row2[2] = TSimd.Sum(c22); row2[3] = TSimd.Sum(c23);
        row3[0] = TSimd.Sum(c30); row3[1] = TSimd.Sum(c31); row3[2] = TSimd.Sum(c32); row3[3] = TSimd.Sum(c33);
        if (p < d)
            for (int r = 0; r < 4; r++)
                for (int s = 0; s < 4; s++)
                    c[r * ldc + s] += RowMath.Dot<ScalarSimd, float>(a + r * d + p, b + s * d + p, d - p);
    }
}
