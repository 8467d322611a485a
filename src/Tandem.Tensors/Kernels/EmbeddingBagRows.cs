namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Pools table rows into bags: <c>y[b] = Σ_{j = offsets[b]}^{offsets[b+1]-1} table[ids[j]]</c>, times
    /// 1/|bag| when <paramref name="mean"/>; an empty bag gives zeros. Rows are added in order, and
    /// bags are independent, so the thread count does not change a bit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or an id is not a row of the table.</exception>
    /// <exception cref="ArgumentException"><paramref name="table"/> is not whole rows, <paramref name="offsets"/> do not run
    /// from 0 to ids.Length, or <paramref name="y"/> is not offsets.Length - 1 rows.</exception>
    public static void EmbeddingBag(ReadOnlySpan<float> table, int cols, ReadOnlySpan<int> ids, ReadOnlySpan<int> offsets, bool mean, Span<float> y) =>
        EmbeddingBag(table, cols, ids, offsets, mean, y, Simd.Best);

    /// <summary><see cref="EmbeddingBag(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{int}, bool, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void EmbeddingBag(ReadOnlySpan<float> table, int cols, ReadOnlySpan<int> ids, ReadOnlySpan<int> offsets, bool mean, Span<float> y, SimdLevel level)
    {
        int rows = Validate.Rows(table.Length, cols, nameof(table));
        Validate.Ids(ids, rows);
        Validate.Offsets(offsets, ids.Length);
        int bags = offsets.Length - 1;
        Validate.Length(y.Length, (long)bags * cols, nameof(y), "offsets.Length - 1 rows of cols values");
        fixed (float* pt = table, py = y)
        fixed (int* pi = ids, po = offsets)
            RowDriver.Run(new EmbeddingBagRowOperator(pt, pi, po, py, cols, mean), bags, (long)(ids.Length + bags) * cols, level);
    }

    /// <summary>
    /// The gradient of <see cref="EmbeddingBag(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{int}, bool, Span{float})"/>:
    /// <c>destination[rows[j]] += s_b · dy[b]</c> for each j of bag b, where s_b is 1, or 1/|bag| when
    /// <paramref name="mean"/>; <paramref name="rows"/> are the table rows of the ids, or the slots of
    /// a sparse gradient. A repeated row receives its terms in order of j; on several threads each
    /// thread owns a contiguous range of destination rows, so the result does not depend on the
    /// thread count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or a row is outside <paramref name="destination"/>.</exception>
    /// <exception cref="ArgumentException">The spans' lengths disagree, or <paramref name="offsets"/> do not run from 0 to rows.Length.</exception>
    public static void EmbeddingBagBackward(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> offsets, ReadOnlySpan<int> rows, bool mean, Span<float> destination) =>
        EmbeddingBagBackward(dy, cols, offsets, rows, mean, destination, Simd.Best);

    /// <summary><see cref="EmbeddingBagBackward(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{int}, bool, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void EmbeddingBagBackward(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> offsets, ReadOnlySpan<int> rows, bool mean, Span<float> destination, SimdLevel level)
    {
        int tableRows = Validate.Rows(destination.Length, cols, nameof(destination));
        Validate.Ids(rows, tableRows, nameof(rows));
        Validate.Offsets(offsets, rows.Length);
        Validate.Length(dy.Length, (long)(offsets.Length - 1) * cols, nameof(dy), "offsets.Length - 1 rows of cols values");
        fixed (float* pd = dy, pt = destination)
        fixed (int* po = offsets, pr = rows)
        {
            long work = (long)rows.Length * cols;
            int parts = Parallelism.Parts(work);
            RowDriver.Run(new EmbeddingBagBackwardOperator(pd, po, offsets.Length - 1, pr, pt, cols, mean, tableRows, parts), parts, work, level);
        }
    }
}

/// <summary>Bag b sums (or averages) rows ids[j] of the table for j in its offsets; null ids mean rows j themselves (segments).</summary>
internal readonly unsafe struct EmbeddingBagRowOperator(float* table, int* ids, int* offsets, float* y, int cols, bool mean) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int bag) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* yr = y + (nint)bag * cols;
        int first = offsets[bag], end = offsets[bag + 1];
        if (first == end)
        {
            new Span<float>(yr, cols).Clear();
            return;
        }
        new ReadOnlySpan<float>(Row(first), cols).CopyTo(new Span<float>(yr, cols));
        for (int j = first + 1; j < end; j++) RowMath.Add<TSimd, TVec>(yr, Row(j), yr, cols);
        if (mean && end - first > 1) RowMath.Scale<TSimd, TVec>(yr, 1f / (end - first), yr, cols);
    }

    float* Row(int j) => table + (nint)(ids == null ? j : ids[j]) * cols;
}

/// <summary>"Row" p of this operator is the p-th of <c>parts</c> even ranges of destination rows.</summary>
internal readonly unsafe struct EmbeddingBagBackwardOperator(float* dy, int* offsets, int bags, int* rows, float* destination, int cols, bool mean, int tableRows, int parts) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int part) where TSimd : ISimd<TVec> where TVec : struct
    {
        // Unsigned: row - lo < width holds exactly for lo <= row < lo + width.
        uint lo = (uint)((long)tableRows * part / parts), width = (uint)((long)tableRows * (part + 1) / parts) - lo;
        for (int b = 0; b < bags; b++)
        {
            int first = offsets[b], end = offsets[b + 1];
            if (first == end) continue;
            float scale = mean ? 1f / (end - first) : 1f;
            for (int j = first; j < end; j++)
            {
                if ((uint)rows[j] - lo >= width) continue;
                float* target = destination + (nint)rows[j] * cols;
                RowMath.MultiplyAdd<TSimd, TVec>(dy + (nint)b * cols, scale, target, target, cols);
            }
        }
    }
}
