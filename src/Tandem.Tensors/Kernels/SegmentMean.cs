namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Averages variable-length bags of rows: <c>y[b, c] = (1/n_b) Σ_{r = offsets[b]}^{offsets[b+1]-1} x[r, c]</c>
    /// with <c>n_b = offsets[b+1] - offsets[b]</c>; an empty bag gives a row of zeros.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows; <paramref name="offsets"/> is empty,
    /// decreases, or leaves 0..rows; or <paramref name="y"/> is not offsets.Length - 1 rows.</exception>
    public static void SegmentMean(ReadOnlySpan<float> x, int cols, ReadOnlySpan<int> offsets, Span<float> y) =>
        Segment(x, cols, offsets, y, mean: true, Simd.Best);
}
