namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Layer normalisation of each row: <c>y[r, c] = (x[r, c] - mean[r])·rstd[r]·gamma[c] + beta[c]</c>, with
    /// <c>mean[r] = (1/cols) Σ_c x[r, c]</c> and <c>rstd[r] = 1 / √(var[r] + eps)</c>, where the biased variance
    /// <c>var[r] = (1/cols) Σ_c (x[r, c] - mean[r])²</c> is taken in a second pass for accuracy.
    /// <paramref name="mean"/> and <paramref name="rstd"/> are written for the backward pass.
    /// <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or <paramref name="eps"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, <paramref name="gamma"/> or <paramref name="beta"/> does not
    /// hold cols values, <paramref name="y"/> is not as long as <paramref name="x"/>, or <paramref name="mean"/> or <paramref name="rstd"/>
    /// does not hold one value per row.</exception>
    public static void LayerNormRows(ReadOnlySpan<float> x, int cols, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, float eps = 1e-5f) =>
        LayerNormRows(x, cols, gamma, beta, y, mean, rstd, eps, Simd.Best);

    /// <summary>LayerNormRows at a chosen instruction set.</summary>
    internal static unsafe void LayerNormRows(ReadOnlySpan<float> x, int cols, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> mean, Span<float> rstd, float eps, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(gamma.Length, cols, nameof(gamma), "one per column");
        Validate.Length(beta.Length, cols, nameof(beta), "one per column");
        Validate.Length(y.Length, x.Length, nameof(y), "one per value of x");
        Validate.Length(mean.Length, rows, nameof(mean), "one per row of x");
        Validate.Length(rstd.Length, rows, nameof(rstd), "one per row of x");
        Validate.Eps(eps);
        fixed (float* px = x, pg = gamma, pb = beta, py = y, pm = mean, pr = rstd)
            RowDriver.Run(new LayerNormRowOperator(px, pg, pb, py, pm, pr, cols, eps), rows, x.Length, level);
    }
}

internal readonly unsafe struct LayerNormRowOperator(float* x, float* gamma, float* beta, float* y, float* means, float* rstds, int cols, float eps) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* xr = x + (nint)row * cols, yr = y + (nint)row * cols;
        float mean = RowMath.Sum<TSimd, TVec>(xr, cols) / cols;
        float rstd = 1 / MathF.Sqrt(RowMath.SumOfSquares<TSimd, TVec>(xr, cols, mean) / cols + eps);
        means[row] = mean;
        rstds[row] = rstd;
        int w = TSimd.Count, i = 0;
        TVec m = TSimd.Splat(mean), s = TSimd.Splat(rstd);
        for (; i <= cols - w; i += w)
        {
            TVec normalized = TSimd.Multiply(TSimd.Subtract(TSimd.Load(xr + i), m), s);
            TSimd.Store(TSimd.MultiplyAdd(normalized, TSimd.Load(gamma + i), TSimd.Load(beta + i)), yr + i);
        }
        for (; i < cols; i++) yr[i] = MathF.FusedMultiplyAdd((xr[i] - mean) * rstd, gamma[i], beta[i]);
    }
}
