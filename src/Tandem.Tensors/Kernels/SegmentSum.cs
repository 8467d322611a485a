namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Sums variable-length bags of rows: <c>y[b, c] = Σ_{r = offsets[b]}^{offsets[b+1]-1} x[r, c]</c>,
    /// with <c>offsets.Length - 1</c> bags; an empty bag gives a row of zeros. Rows are added in order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows; <paramref name="offsets"/> is empty,
    /// decreases, or leaves 0..rows; or <paramref name="y"/> is not offsets.Length - 1 rows.</exception>
    public static void SegmentSum(ReadOnlySpan<float> x, int cols, ReadOnlySpan<int> offsets, Span<float> y) =>
        Segment(x, cols, offsets, y, mean: false, Simd.Best);

    /// <summary>Sums (or, when <paramref name="mean"/>, averages) bags of rows at a chosen instruction set.</summary>
    internal static unsafe void Segment(ReadOnlySpan<float> x, int cols, ReadOnlySpan<int> offsets, Span<float> y, bool mean, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Offsets(offsets, rows);
        int bags = offsets.Length - 1;
        Validate.Length(y.Length, (long)bags * cols, nameof(y), "offsets.Length - 1 rows of cols values");
        fixed (float* px = x, py = y)
        fixed (int* po = offsets)
            RowDriver.Run(new EmbeddingBagRowOperator(px, null, po, py, cols, mean), bags, x.Length + y.Length, level);
    }
}
