using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// Pushes every distance of a row up to a heap's threshold, with its label (<c>labels[i]</c>, or the
/// position <c>i</c> when <c>labels</c> is null). A whole vector of distances above the threshold is
/// turned away by one comparison, so a row costs about one vector compare per vector once the heap is full.
/// </summary>
internal static unsafe class KeepBest
{
    /// <summary>Keeps the allowed best of <paramref name="row"/> in <paramref name="heap"/> at <paramref name="level"/>.</summary>
    // Inlined so the dispatch folds away: Flat calls it for every query row of every item block.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(ReadOnlySpan<float> row, long* labels, TopK<long> heap, IdFilter? filter, SimdLevel level)
    {
        fixed (float* p = row)
            switch (level)
            {
                case SimdLevel.Avx512: Run<Avx512Simd, Vector512<float>>(p, row.Length, labels, heap, filter); break;
                case SimdLevel.Avx2: Run<Avx2Simd, Vector256<float>>(p, row.Length, labels, heap, filter); break;
                case SimdLevel.Vector128: Run<Vector128Simd, Vector128<float>>(p, row.Length, labels, heap, filter); break;
                default: Run<ScalarSimd, float>(p, row.Length, labels, heap, filter); break;
            }
    }

    static void Run<TSimd, TVec>(float* row, int n, long* labels, TopK<long> heap, IdFilter? filter) where TSimd : ISimd<TVec> where TVec : struct
    {
        float threshold = heap.Threshold;
        int w = TSimd.Count, j = 0;
        for (; j <= n - w; j += w)
            // Only the lanes at or below the threshold, one set bit each.
            for (uint below = TSimd.LessThanOrEqualMask(TSimd.Load(row + j), threshold); below != 0; below &= below - 1)
                Offer(row, labels, j + System.Numerics.BitOperations.TrailingZeroCount(below), heap, filter, ref threshold);
        for (; j < n; j++) Offer(row, labels, j, heap, filter, ref threshold);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Offer(float* row, long* labels, int at, TopK<long> heap, IdFilter? filter, ref float threshold)
    {
        long label = labels == null ? at : labels[at];
        if (row[at] <= threshold && (filter == null || filter.Allows(label)))
        {
            heap.Push(row[at], label);
            threshold = heap.Threshold;
        }
    }
}
