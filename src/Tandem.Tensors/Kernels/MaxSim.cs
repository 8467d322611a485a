using System.Buffers;
using System.Runtime.CompilerServices;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// The late-interaction (ColBERT) score of one query against one document, both row-major sets of
    /// vectors of <paramref name="width"/> values:
    /// <c>score = Σ_{i &lt; queryCount} max_{j &lt; documentCount} Σ_c query[i·width + c] · document[j·width + c]</c>.
    /// Rows past the counts are padding and are never read. No query vectors give 0; query vectors
    /// against no document vectors give -∞ (a maximum over nothing).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not positive, or a count is negative or exceeds its span's rows.</exception>
    /// <exception cref="ArgumentException">A span is not whole rows of <paramref name="width"/> values.</exception>
    public static float MaxSim(ReadOnlySpan<float> query, int queryCount, ReadOnlySpan<float> document, int documentCount, int width) =>
        MaxSim(query, queryCount, document, documentCount, width, Simd.Best);

    /// <summary><see cref="MaxSim(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, int)"/> at a chosen instruction set.</summary>
    internal static float MaxSim(ReadOnlySpan<float> query, int queryCount, ReadOnlySpan<float> document, int documentCount, int width, SimdLevel level)
    {
        Validate.Counted(document.Length, documentCount, width, nameof(document), nameof(documentCount));
        Span<int> offsets = [0, documentCount];
        float score = 0;
        MaxSim(query, queryCount, document, offsets, width, new Span<float>(ref score), level);
        return score;
    }

    /// <summary>
    /// Scores one query against many documents (re-ranking): document k is rows
    /// <c>offsets[k]..offsets[k+1]</c> of <paramref name="documents"/>, and
    /// <c>scores[k] = MaxSim(query, queryCount, those rows, offsets[k+1] - offsets[k], width)</c>.
    /// The query is transposed once for all documents; documents are split over threads when the
    /// work is large, each score computed whole by one thread, so the thread count does not change a bit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not positive, or <paramref name="queryCount"/> is negative or exceeds the query's rows.</exception>
    /// <exception cref="ArgumentException">A span is not whole rows; <paramref name="offsets"/> is empty, decreases or leaves
    /// 0..rows of documents; or <paramref name="scores"/> does not hold offsets.Length - 1 values.</exception>
    public static void MaxSim(ReadOnlySpan<float> query, int queryCount, ReadOnlySpan<float> documents, ReadOnlySpan<int> offsets, int width, Span<float> scores) =>
        MaxSim(query, queryCount, documents, offsets, width, scores, Simd.Best);

    /// <summary><see cref="MaxSim(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{int}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void MaxSim(ReadOnlySpan<float> query, int queryCount, ReadOnlySpan<float> documents, ReadOnlySpan<int> offsets, int width, Span<float> scores, SimdLevel level)
    {
        Validate.Counted(query.Length, queryCount, width, nameof(query), nameof(queryCount));
        int rows = Validate.Rows(documents.Length, width, nameof(documents), nameof(width));
        Validate.Offsets(offsets, rows);
        Validate.Length(scores.Length, offsets.Length - 1, nameof(scores), "one per document, offsets.Length - 1");
        int stride = MaxSimMath.Stride(queryCount);
        float[] transposed = ArrayPool<float>.Shared.Rent(Math.Max(1, width * stride));
        try
        {
            fixed (float* pq = query, pt = transposed, pd = documents, ps = scores)
            fixed (int* po = offsets)
            {
                MaxSimMath.Transpose(pq, queryCount, width, pt, stride);
                long work = (long)queryCount * (offsets[^1] - offsets[0]) * width;
                RowDriver.Run(new MaxSimRowOperator(pt, stride, queryCount, pd, po, width, ps), offsets.Length - 1, work, level);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(transposed);
        }
    }

    /// <summary>
    /// Every query against every candidate (in-batch late interaction): queries are
    /// [queryCounts.Length, queryRows, width], candidates [candidateCounts.Length, candidateRows, width],
    /// each item's first count rows real and the rest padding;
    /// <c>scores[b·C + k] = MaxSim(query b, candidate k)</c> and <c>argmax[(b·C + k)·queryRows + i]</c> the
    /// candidate row reaching query vector i's maximum (-1 past the query's count or for an empty candidate).
    /// The caller validates the shapes and counts.
    /// </summary>
    internal static unsafe void MaxSimPairs(ReadOnlySpan<float> queries, int queryRows, ReadOnlySpan<int> queryCounts,
        ReadOnlySpan<float> candidates, int candidateRows, ReadOnlySpan<int> candidateCounts, int width,
        Span<float> scores, Span<int> argmax, SimdLevel level)
    {
        int stride = MaxSimMath.Stride(queryRows), plane = width * stride;
        float[] transposed = ArrayPool<float>.Shared.Rent(Math.Max(1, queryCounts.Length * plane));
        try
        {
            argmax.Fill(-1);
            fixed (float* pq = queries, pt = transposed, pc = candidates, ps = scores)
            fixed (int* pqc = queryCounts, pcc = candidateCounts, pa = argmax)
            {
                for (int b = 0; b < queryCounts.Length; b++)
                    MaxSimMath.Transpose(pq + (nint)b * queryRows * width, queryCounts[b], width, pt + (nint)b * plane, stride);
                long work = (long)queryCounts.Length * candidateCounts.Length * queryRows * candidateRows * width;
                var op = new MaxSimPairsOperator(pt, stride, queryRows, pqc, pc, candidateRows, pcc, candidateCounts.Length, width, ps, pa);
                RowDriver.Run(op, queryCounts.Length, work, level);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(transposed);
        }
    }
}

/// <summary>Query b of an all-pairs call: its scores against every candidate, with the positions of the maxima.</summary>
internal readonly unsafe struct MaxSimPairsOperator(float* queryT, int stride, int queryRows, int* queryCounts,
    float* candidates, int candidateRows, int* candidateCounts, int count, int width, float* scores, int* argmax) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* q = queryT + (nint)row * width * stride;
        for (int k = 0; k < count; k++)
        {
            nint pair = (nint)row * count + k;
            scores[pair] = MaxSimMath.Score<TSimd, TVec>(q, stride, queryCounts[row],
                candidates + (nint)k * candidateRows * width, candidateCounts[k], width, argmax + pair * queryRows);
        }
    }
}

/// <summary>Document k of a batched call: <c>scores[k]</c> from rows offsets[k]..offsets[k+1].</summary>
internal readonly unsafe struct MaxSimRowOperator(float* queryT, int stride, int queryCount, float* documents, int* offsets, int width, float* scores) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct =>
        scores[row] = MaxSimMath.Score<TSimd, TVec>(queryT, stride, queryCount,
            documents + (nint)offsets[row] * width, offsets[row + 1] - offsets[row], width, null);
}

/// <summary>
/// The MaxSim inner loops, written once for every width. The query is held transposed
/// (<c>queryT[c·stride + i] = query[i, c]</c>) so that a vector's lanes are query vectors: one
/// broadcast document value times one loaded query column advances the similarity of a whole
/// block of query vectors with one document vector, and the maximum over document vectors is a
/// lane-wise max, with no horizontal sum until the end.
/// </summary>
internal static unsafe class MaxSimMath
{
    /// <summary>Lanes of the widest vector; the transposed query's rows are padded to a multiple so every level can load whole blocks.</summary>
    const int Lanes = 16;

    /// <summary>Row stride of the transposed query: <paramref name="queryCount"/> rounded up to whole vectors.</summary>
    public static int Stride(int queryCount) => (queryCount + Lanes - 1) / Lanes * Lanes;

    /// <summary><c>queryT[c·stride + i] = query[i·width + c]</c>, with zeros in the padding lanes.</summary>
    public static void Transpose(float* query, int queryCount, int width, float* queryT, int stride)
    {
        for (int c = 0; c < width; c++)
        {
            float* row = queryT + (nint)c * stride;
            for (int i = 0; i < queryCount; i++) row[i] = query[(nint)i * width + c];
            for (int i = queryCount; i < stride; i++) row[i] = 0;
        }
    }

    /// <summary>
    /// Σ_i max_j ⟨q_i, d_j⟩ over the first <paramref name="queryCount"/> query vectors and
    /// <paramref name="documentCount"/> document rows. When <paramref name="argmax"/> is not null it
    /// receives, per query vector, the first j reaching the maximum (-1 when the document is empty).
    /// </summary>
    public static float Score<TSimd, TVec>(float* queryT, int stride, int queryCount, float* document, int documentCount, int width, int* argmax)
        where TSimd : ISimd<TVec> where TVec : struct
    {
        if (documentCount == 0)
        {
            for (int i = 0; argmax != null && i < queryCount; i++) argmax[i] = -1;
            return queryCount == 0 ? 0 : float.NegativeInfinity;
        }
        int w = TSimd.Count;
        float* best = stackalloc float[Lanes], lanes = stackalloc float[Lanes];
        float score = 0;
        for (int block = 0; block < queryCount; block += w)
        {
            float* q = queryT + block;
            int live = Math.Min(w, queryCount - block);
            int* arg = argmax == null ? null : argmax + block;
            TVec max = TSimd.Splat(float.NegativeInfinity);
            if (arg != null) new Span<float>(best, w).Fill(float.NegativeInfinity);
            int j = 0;
            // Four document vectors at once: four independent FMA chains share each query load.
            for (; j + 4 <= documentCount; j += 4)
            {
                float* d0 = document + (nint)j * width, d1 = d0 + width, d2 = d1 + width, d3 = d2 + width;
                TVec a0 = TSimd.Splat(0), a1 = a0, a2 = a0, a3 = a0;
                for (int c = 0; c < width; c++)
                {
                    TVec column = TSimd.Load(q + (nint)c * stride);
                    a0 = TSimd.MultiplyAdd(column, TSimd.Splat(d0[c]), a0);
                    a1 = TSimd.MultiplyAdd(column, TSimd.Splat(d1[c]), a1);
                    a2 = TSimd.MultiplyAdd(column, TSimd.Splat(d2[c]), a2);
                    a3 = TSimd.MultiplyAdd(column, TSimd.Splat(d3[c]), a3);
                }
                if (arg == null) max = TSimd.Max(max, TSimd.Max(TSimd.Max(a0, a1), TSimd.Max(a2, a3)));
                else
                {
                    Track<TSimd, TVec>(a0, j, lanes, best, arg, live);
                    Track<TSimd, TVec>(a1, j + 1, lanes, best, arg, live);
                    Track<TSimd, TVec>(a2, j + 2, lanes, best, arg, live);
                    Track<TSimd, TVec>(a3, j + 3, lanes, best, arg, live);
                }
            }
            for (; j < documentCount; j++)
            {
                float* d = document + (nint)j * width;
                TVec a = TSimd.Splat(0);
                for (int c = 0; c < width; c++) a = TSimd.MultiplyAdd(TSimd.Load(q + (nint)c * stride), TSimd.Splat(d[c]), a);
                if (arg == null) max = TSimd.Max(max, a);
                else Track<TSimd, TVec>(a, j, lanes, best, arg, live);
            }
            if (arg == null) TSimd.Store(max, best);
            for (int l = 0; l < live; l++) score += best[l];
        }
        return score;
    }

    /// <summary>Folds document vector j's similarities into the running per-lane maxima and their positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Track<TSimd, TVec>(TVec similarity, int j, float* lanes, float* best, int* arg, int live) where TSimd : ISimd<TVec> where TVec : struct
    {
        TSimd.Store(similarity, lanes);
        for (int l = 0; l < live; l++)
            if (lanes[l] > best[l] || j == 0)
            {
                best[l] = lanes[l];
                arg[l] = j;
            }
    }
}
