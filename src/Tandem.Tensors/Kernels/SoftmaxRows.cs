namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Softmax of each row of a row-major matrix with <paramref name="cols"/> columns:
    /// <c>y[r, c] = exp(x[r, c] - m) / Σ_j exp(x[r, j] - m)</c>, where <c>m = max_j x[r, j]</c> keeps
    /// every exponent at most 0, so large logits never overflow. <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static void SoftmaxRows(ReadOnlySpan<float> x, int cols, Span<float> y) => SoftmaxRows(x, cols, y, Simd.Best);

    /// <summary><see cref="SoftmaxRows(ReadOnlySpan{float}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void SoftmaxRows(ReadOnlySpan<float> x, int cols, Span<float> y, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(y.Length, x.Length, nameof(y), "one per value of x");
        fixed (float* px = x, py = y)
            RowDriver.Run(new SoftmaxRowOperator(px, py, cols), rows, x.Length, level);
    }
}

internal readonly unsafe struct SoftmaxRowOperator(float* x, float* y, int cols) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* xr = x + (nint)row * cols, yr = y + (nint)row * cols;
        float max = RowMath.Max<TSimd, TVec>(xr, cols);
        float sum = RowMath.ExpShifted<TSimd, TVec>(xr, yr, cols, max);
        RowMath.ScaleShift<TSimd, TVec>(yr, yr, cols, 1f / sum, 0f);
    }
}
