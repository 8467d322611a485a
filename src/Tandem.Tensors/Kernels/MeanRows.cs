namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>Row means: <c>result[r] = (1/cols) Σ_c x[r, c]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="result"/> does not hold one value per row.</exception>
    public static void MeanRows(ReadOnlySpan<float> x, int cols, Span<float> result) => MeanRows(x, cols, result, Simd.Best);

    /// <summary><see cref="MeanRows(ReadOnlySpan{float}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static void MeanRows(ReadOnlySpan<float> x, int cols, Span<float> result, SimdLevel level) =>
        ReduceRows(x, cols, result, level, static (px, c, pr) => new SumRowOperator(px, c, pr, mean: true));
}
