namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Gradient of <see cref="SegmentSum"/>: every row of a bag receives the bag's gradient,
    /// <c>dx[r, c] = dy[b, c]</c> for <c>offsets[b] ≤ r &lt; offsets[b+1]</c>; rows in no bag get zeros.
    /// <paramref name="dx"/> has the rows of the forward input.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="dx"/> is not whole rows; <paramref name="offsets"/> is empty,
    /// decreases, or leaves 0..rows; or <paramref name="dy"/> is not offsets.Length - 1 rows.</exception>
    public static void SegmentSumBackward(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> offsets, Span<float> dx) =>
        SegmentBackward(dy, cols, offsets, dx, mean: false, Simd.Best);

    /// <summary>
    /// Gradient of <see cref="SegmentMean"/>: <c>dx[r, c] = dy[b, c] / n_b</c> for <c>offsets[b] ≤ r &lt; offsets[b+1]</c>,
    /// <c>n_b = offsets[b+1] - offsets[b]</c>; rows in no bag get zeros.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="dx"/> is not whole rows; <paramref name="offsets"/> is empty,
    /// decreases, or leaves 0..rows; or <paramref name="dy"/> is not offsets.Length - 1 rows.</exception>
    public static void SegmentMeanBackward(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> offsets, Span<float> dx) =>
        SegmentBackward(dy, cols, offsets, dx, mean: true, Simd.Best);

    /// <summary>Spreads bag gradients back over their rows at a chosen instruction set.</summary>
    internal static unsafe void SegmentBackward(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> offsets, Span<float> dx, bool mean, SimdLevel level)
    {
        int rows = Validate.Rows(dx.Length, cols, nameof(dx));
        Validate.Offsets(offsets, rows);
        int bags = offsets.Length - 1;
        Validate.Length(dy.Length, (long)bags * cols, nameof(dy), "offsets.Length - 1 rows of cols values");
        dx[..(offsets[0] * cols)].Clear();
        dx[(offsets[^1] * cols)..].Clear();
        fixed (float* pd = dy, px = dx)
        fixed (int* po = offsets)
            RowDriver.Run(new SegmentBackwardRowOperator(pd, po, px, cols, mean), bags, dx.Length, level);
    }
}

internal readonly unsafe struct SegmentBackwardRowOperator(float* dy, int* offsets, float* dx, int cols, bool mean) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int bag) where TSimd : ISimd<TVec> where TVec : struct
    {
        int first = offsets[bag], end = offsets[bag + 1];
        float scale = mean && end > first ? 1f / (end - first) : 1f;
        float* source = dy + (nint)bag * cols;
        for (int r = first; r < end; r++) RowMath.ScaleShift<TSimd, TVec>(source, dx + (nint)r * cols, cols, scale, 0f);
    }
}
