using System.Runtime.Intrinsics;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// One query against many rows stored transposed (column-major, <c>d × stride</c>):
/// <c>destination[j] = Σ_p query[p] · columns[p*stride + j]</c> for <c>j &lt; count</c>. Broadcasting
/// each query value against a vector of rows at a time needs no horizontal sums, which makes scanning
/// thousands of IVF centroids several times faster than one dot product per row.
/// </summary>
internal static unsafe class TransposedDot
{
    /// <summary>Computes <paramref name="count"/> products; <paramref name="stride"/> ≥ <paramref name="count"/> and, for SIMD, a multiple of 16.</summary>
    public static void Compute(float* query, float* columns, int d, int stride, int count, float* destination, SimdLevel level)
    {
        switch (stride % 16 == 0 ? level : SimdLevel.Scalar)
        {
            case SimdLevel.Avx512: Compute<Avx512Simd, Vector512<float>>(query, columns, d, stride, count, destination); break;
            case SimdLevel.Avx2: Compute<Avx2Simd, Vector256<float>>(query, columns, d, stride, count, destination); break;
            case SimdLevel.Vector128: Compute<Vector128Simd, Vector128<float>>(query, columns, d, stride, count, destination); break;
            default: Compute<ScalarSimd, float>(query, columns, d, stride, count, destination); break;
        }
    }

    static void Compute<TSimd, TVec>(float* query, float* columns, int d, int stride, int count, float* destination) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, j = 0;
        // Four vectors of rows per pass: four independent accumulators hide the multiply-add latency.
        for (; j + 4 * w <= count; j += 4 * w)
        {
            TVec a0 = TSimd.Splat(0), a1 = a0, a2 = a0, a3 = a0;
            float* column = columns + j;
            for (int p = 0; p < d; p++, column += stride)
            {
                TVec q = TSimd.Splat(query[p]);
                a0 = TSimd.MultiplyAdd(q, TSimd.Load(column), a0);
                a1 = TSimd.MultiplyAdd(q, TSimd.Load(column + w), a1);
                a2 = TSimd.MultiplyAdd(q, TSimd.Load(column + 2 * w), a2);
                a3 = TSimd.MultiplyAdd(q, TSimd.Load(column + 3 * w), a3);
            }
            TSimd.Store(a0, destination + j); TSimd.Store(a1, destination + j + w);
            TSimd.Store(a2, destination + j + 2 * w); TSimd.Store(a3, destination + j + 3 * w);
        }
        for (; j + w <= count; j += w)
        {
            TVec a = TSimd.Splat(0);
            float* column = columns + j;
            for (int p = 0; p < d; p++, column += stride) a = TSimd.MultiplyAdd(TSimd.Splat(query[p]), TSimd.Load(column), a);
            TSimd.Store(a, destination + j);
        }
        // The rows after the last whole vector, one at a time.
        for (; j < count; j++)
        {
            float sum = 0;
            for (int p = 0; p < d; p++) sum = MathF.FusedMultiplyAdd(query[p], columns[(long)p * stride + j], sum);
            destination[j] = sum;
        }
    }

    /// <summary>Row-major <paramref name="rows"/> (count × d) transposed into a d × stride array, stride rounded up to 16.</summary>
    public static float[] Transpose(ReadOnlySpan<float> rows, int count, int d, out int stride)
    {
        stride = (count + 15) / 16 * 16;
        var columns = new float[(long)d * stride];
        for (int j = 0; j < count; j++)
            for (int p = 0; p < d; p++) columns[(long)p * stride + j] = rows[j * d + p];
        return columns;
    }
}
