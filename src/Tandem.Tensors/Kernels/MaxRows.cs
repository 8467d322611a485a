namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>Row maxima: <c>result[r] = max_c x[r, c]</c>. Which value a row containing NaN gives is unspecified.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="result"/> does not hold one value per row.</exception>
    public static void MaxRows(ReadOnlySpan<float> x, int cols, Span<float> result) => MaxRows(x, cols, result, Simd.Best);

    /// <summary><see cref="MaxRows(ReadOnlySpan{float}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static void MaxRows(ReadOnlySpan<float> x, int cols, Span<float> result, SimdLevel level) =>
        ReduceRows(x, cols, result, level, static (px, c, pr) => new MaxRowOperator(px, c, pr));
}

/// <summary><c>result[r] = max_c x[r, c]</c>.</summary>
internal readonly unsafe struct MaxRowOperator(nint x, int cols, nint result) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct =>
        ((float*)result)[row] = RowMath.Max<TSimd, TVec>((float*)x + (nint)row * cols, cols);
}
