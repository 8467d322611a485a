namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Gradient of <see cref="SoftmaxRows(ReadOnlySpan{float}, int, Span{float})"/> from its output:
    /// <c>dx[r, c] = y[r, c]·(dy[r, c] - Σ_j dy[r, j]·y[r, j])</c>. <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not whole rows, or <paramref name="dy"/> or <paramref name="dx"/> is not as long as <paramref name="y"/>.</exception>
    public static void SoftmaxRowsBackward(ReadOnlySpan<float> y, int cols, ReadOnlySpan<float> dy, Span<float> dx) =>
        SoftmaxRowsBackward(y, cols, dy, dx, Simd.Best);

    /// <summary><see cref="SoftmaxRowsBackward(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void SoftmaxRowsBackward(ReadOnlySpan<float> y, int cols, ReadOnlySpan<float> dy, Span<float> dx, SimdLevel level)
    {
        int rows = Validate.Rows(y.Length, cols, nameof(y));
        Validate.Length(dy.Length, y.Length, nameof(dy), "one per value of y");
        Validate.Length(dx.Length, y.Length, nameof(dx), "one per value of y");
        fixed (float* py = y, pd = dy, px = dx)
            RowDriver.Run(new SoftmaxBackwardRowOperator(py, pd, px, cols), rows, 2L * y.Length, level);
    }
}

internal readonly unsafe struct SoftmaxBackwardRowOperator(float* y, float* dy, float* dx, int cols) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        nint start = (nint)row * cols;
        float* yr = y + start, dyr = dy + start, dxr = dx + start;
        float dot = RowMath.Dot<TSimd, TVec>(dyr, yr, cols);
        int w = TSimd.Count, i = 0;
        TVec d = TSimd.Splat(dot);
        for (; i <= cols - w; i += w) TSimd.Store(TSimd.Multiply(TSimd.Load(yr + i), TSimd.Subtract(TSimd.Load(dyr + i), d)), dxr + i);
        for (; i < cols; i++) dxr[i] = yr[i] * (dyr[i] - dot);
    }
}
