using System.Runtime.Intrinsics;
using Tandem.Tensors;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// One query against many rows stored transposed (column-major, <c>d × stride</c>):
/// <c>destination[j] = Σ_p query[p] · columns[p*stride + j]</c> for <c>j &lt; count</c>. Broadcasting
/// each query value against 16 rows at a time needs no horizontal sums, which makes scanning
/// thousands of IVF centroids several times faster than one dot product per row.
/// </summary>
internal static unsafe class TransposedDot
{
    /// <summary>Computes <paramref name="count"/> products; <paramref name="stride"/> ≥ <paramref name="count"/> and, for SIMD, a multiple of 16.</summary>
    public static void Compute(float* query, float* columns, int d, int stride, int count, float* destination, SimdLevel level)
    {
        int j = 0;
        if (level == SimdLevel.Avx512 && stride % 16 == 0)
        {
            for (; j + 64 <= count; j += 64)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* column = columns + j;
                for (int p = 0; p < d; p++, column += stride)
                {
                    var q = Vector512.Create(query[p]);
                    a0 = Vector512.FusedMultiplyAdd(q, Vector512.Load(column), a0);
                    a1 = Vector512.FusedMultiplyAdd(q, Vector512.Load(column + 16), a1);
                    a2 = Vector512.FusedMultiplyAdd(q, Vector512.Load(column + 32), a2);
                    a3 = Vector512.FusedMultiplyAdd(q, Vector512.Load(column + 48), a3);
                }
                a0.Store(destination + j); a1.Store(destination + j + 16); a2.Store(destination + j + 32); a3.Store(destination + j + 48);
            }
            for (; j + 16 <= count; j += 16)
            {
                Vector512<float> a = default;
                float* column = columns + j;
                for (int p = 0; p < d; p++, column += stride) a = Vector512.FusedMultiplyAdd(Vector512.Create(query[p]), Vector512.Load(column), a);
                a.Store(destination + j);
            }
        }
        for (; j < count; j++)
        {
            float sum = 0;
            for (int p = 0; p < d; p++) sum += query[p] * columns[(long)p * stride + j];
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
