namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>Row sums: <c>result[r] = Σ_c x[r, c]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="result"/> does not hold one value per row.</exception>
    public static void SumRows(ReadOnlySpan<float> x, int cols, Span<float> result) => SumRows(x, cols, result, Simd.Best);

    /// <summary><see cref="SumRows(ReadOnlySpan{float}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static void SumRows(ReadOnlySpan<float> x, int cols, Span<float> result, SimdLevel level) =>
        ReduceRows(x, cols, result, level, static (px, c, pr) => new SumRowOperator(px, c, pr, mean: false));
}

/// <summary><c>result[r] = Σ_c x[r, c]</c>, divided by cols when <c>mean</c>.</summary>
internal readonly unsafe struct SumRowOperator(nint x, int cols, nint result, bool mean) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float sum = RowMath.Sum<TSimd, TVec>((float*)x + (nint)row * cols, cols);
        ((float*)result)[row] = mean ? sum / cols : sum;
    }
}
