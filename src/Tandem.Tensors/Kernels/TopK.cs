namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// The <paramref name="k"/> largest values of each row and their column indices, best first:
    /// <c>values[r, j]</c> is the j-th largest of row r and <c>indices[r, j]</c> its column, equal values
    /// ordered by the lower column. When k exceeds cols the row is padded with <c>-inf</c> and index -1.
    /// A partial selection: a k-entry heap kept in the outputs, with whole vectors below the heap's
    /// smallest value skipped by one comparison, then sorted; O(cols + k log k · hits). NaN values are not ordered.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or <paramref name="k"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="values"/> or
    /// <paramref name="indices"/> does not hold k values per row.</exception>
    public static void TopK(ReadOnlySpan<float> x, int cols, int k, Span<float> values, Span<int> indices) =>
        TopK(x, cols, k, values, indices, Simd.Best);

    /// <summary><see cref="TopK(ReadOnlySpan{float}, int, int, Span{float}, Span{int})"/> at a chosen instruction set.</summary>
    internal static unsafe void TopK(ReadOnlySpan<float> x, int cols, int k, Span<float> values, Span<int> indices, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        if (k < 0) KernelThrow.Negative(nameof(k), k);
        Validate.Length(values.Length, (long)rows * k, nameof(values), "k per row of x");
        Validate.Length(indices.Length, (long)rows * k, nameof(indices), "k per row of x");
        fixed (float* px = x, pv = values)
        fixed (int* pi = indices)
            RowDriver.Run(new TopKRowOperator(px, cols, k, pv, pi), rows, x.Length, level);
    }
}

/// <summary>
/// One row of top-k. The row's outputs hold a heap of the best min(k, cols) entries seen so far with
/// the worst at the root; a later column can only enter by beating the root strictly, since on a tie
/// its higher index loses. Heap-sorting then moves the worst to the back, leaving the best first.
/// </summary>
internal readonly unsafe struct TopKRowOperator(float* x, int cols, int k, float* values, int* indices) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* xr = x + (nint)row * cols, v = values + (nint)row * k;
        int* ix = indices + (nint)row * k;
        int m = Math.Min(k, cols);
        for (int j = 0; j < m; j++) (v[j], ix[j]) = (xr[j], j);
        for (int j = m / 2 - 1; j >= 0; j--) SiftDown(v, ix, j, m);

        int w = TSimd.Count, i = m;
        if (m > 0)
        {
            for (; i <= cols - w; i += w)
            {
                if (!TSimd.AnyGreaterThan(TSimd.Load(xr + i), v[0])) continue;
                for (int j = i; j < i + w; j++) Offer(v, ix, m, xr[j], j);
            }
            for (; i < cols; i++) Offer(v, ix, m, xr[i], i);
        }

        for (int end = m - 1; end > 0; end--)
        {
            (v[0], v[end]) = (v[end], v[0]);
            (ix[0], ix[end]) = (ix[end], ix[0]);
            SiftDown(v, ix, 0, end);
        }
        for (int j = m; j < k; j++) (v[j], ix[j]) = (float.NegativeInfinity, -1);
    }

    static void Offer(float* v, int* ix, int m, float value, int index)
    {
        if (!(value > v[0])) return;
        (v[0], ix[0]) = (value, index);
        SiftDown(v, ix, 0, m);
    }

    /// <summary>Whether entry a ranks below entry b: a smaller value, or an equal value at a higher index.</summary>
    static bool Worse(float* v, int* ix, int a, int b) => v[a] < v[b] || (v[a] == v[b] && ix[a] > ix[b]);

    static void SiftDown(float* v, int* ix, int i, int n)
    {
        while (true)
        {
            int worst = i, left = 2 * i + 1, right = left + 1;
            if (left < n && Worse(v, ix, left, worst)) worst = left;
            if (right < n && Worse(v, ix, right, worst)) worst = right;
            if (worst == i) return;
            (v[i], v[worst]) = (v[worst], v[i]);
            (ix[i], ix[worst]) = (ix[worst], ix[i]);
            i = worst;
        }
    }
}
