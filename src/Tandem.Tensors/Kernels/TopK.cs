namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// The <paramref name="k"/> largest values of each row and their column indices, best first:
    /// <c>values[r, j]</c> is the j-th largest of row r and <c>indices[r, j]</c> its column, equal values
    /// ordered by the lower column. When k exceeds cols the row is padded with <c>-inf</c> and index -1.
    /// A partial selection through <see cref="Tandem.Tensors.TopK{TId}"/>, with whole vectors below the
    /// k-th largest value skipped by one comparison; O(cols + k log k · hits). NaN values are never selected.
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
/// One row of top-k through the shared <see cref="Tandem.Tensors.TopK{TId}"/>, keyed by negated value so
/// its k smallest keys are the k largest values, equal values by the lower column. Once k values are
/// kept, whole vectors not above the worst of them are skipped by one comparison; columns arrive in
/// ascending order, so an equal value (a higher column) never enters.
/// </summary>
internal readonly unsafe struct TopKRowOperator(float* x, int cols, int k, float* values, int* indices) : IRowOperator
{
    // One per thread: rows run on the caller and the worker threads.
    [ThreadStatic] static TopK<int>? scratch;

    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* xr = x + (nint)row * cols;
        var top = scratch ??= new TopK<int>(k);
        top.Reset(k);
        int w = TSimd.Count, j = 0;
        for (; j <= cols - w; j += w)
        {
            if (top.Count == k && !TSimd.AnyGreaterThan(TSimd.Load(xr + j), -top.Threshold)) continue;
            for (int c = j; c < j + w; c++) top.Push(-xr[c], c);
        }
        for (; j < cols; j++) top.Push(-xr[j], j);
        var v = new Span<float>(values + (nint)row * k, k);
        top.Drain(v, new Span<int>(indices + (nint)row * k, k));
        foreach (ref float value in v) value = -value; // the +inf padding becomes -inf
    }
}
