namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Log-softmax of each row of a row-major matrix with <paramref name="cols"/> columns:
    /// <c>y[r, c] = (x[r, c] - m) - log Σ_j exp(x[r, j] - m)</c>, where <c>m = max_j x[r, j]</c>,
    /// so neither overflow nor <c>log(0)</c> can occur. <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static void LogSoftmaxRows(ReadOnlySpan<float> x, int cols, Span<float> y) => LogSoftmaxRows(x, cols, y, Simd.Best);

    /// <summary><see cref="LogSoftmaxRows(ReadOnlySpan{float}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void LogSoftmaxRows(ReadOnlySpan<float> x, int cols, Span<float> y, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(y.Length, x.Length, nameof(y), "one per value of x");
        fixed (float* px = x, py = y)
            RowDriver.Run(new LogSoftmaxRowOperator(px, py, cols), rows, x.Length, level);
    }
}

internal readonly unsafe struct LogSoftmaxRowOperator(float* x, float* y, int cols) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* xr = x + (nint)row * cols, yr = y + (nint)row * cols;
        float max = RowMath.Max<TSimd, TVec>(xr, cols);
        float logSum = MathF.Log(RowMath.SumExpShifted<TSimd, TVec>(xr, cols, max));
        // (x - m) first: it is exact for the logits near the max, which carry the probability mass.
        int w = TSimd.Count, i = 0;
        TVec m = TSimd.Splat(max), l = TSimd.Splat(logSum);
        for (; i <= cols - w; i += w) TSimd.Store(TSimd.Subtract(TSimd.Subtract(TSimd.Load(xr + i), m), l), yr + i);
        for (; i < cols; i++) yr[i] = xr[i] - max - logSum;
    }
}
