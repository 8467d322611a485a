namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Adds a bias to every row: <c>y[r, c] = x[r, c] + bias[c]</c>, with <c>cols = bias.Length</c>.
    /// <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bias"/> is empty.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows of bias.Length, or <paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static void AddBias(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y) => AddBias(x, bias, y, Simd.Best);

    /// <summary><see cref="AddBias(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void AddBias(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, bias.Length, nameof(x), "bias.Length");
        Validate.Length(y.Length, x.Length, nameof(y), "one per value of x");
        fixed (float* px = x, pb = bias, py = y)
            RowDriver.Run(new AddBiasRowOperator(px, pb, py, bias.Length), rows, x.Length, level);
    }
}

internal readonly unsafe struct AddBiasRowOperator(float* x, float* bias, float* y, int cols) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct =>
        RowMath.Add<TSimd, TVec>(x + (nint)row * cols, bias, y + (nint)row * cols, cols);
}
