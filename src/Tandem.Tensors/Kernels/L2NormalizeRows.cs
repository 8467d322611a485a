namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Scales each row to unit Euclidean length: <c>y[r, c] = x[r, c] / max(norms[r], eps)</c> with
    /// <c>norms[r] = √(Σ_c x[r, c]²)</c> written out (unclamped) for the backward pass. A zero row
    /// gives zeros rather than NaN. <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or <paramref name="eps"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, <paramref name="y"/> is not as long as
    /// <paramref name="x"/>, or <paramref name="norms"/> does not hold one value per row.</exception>
    public static void L2NormalizeRows(ReadOnlySpan<float> x, int cols, Span<float> y, Span<float> norms, float eps = 1e-12f) =>
        L2NormalizeRows(x, cols, y, norms, eps, Simd.Best);

    /// <summary><see cref="L2NormalizeRows(ReadOnlySpan{float}, int, Span{float}, Span{float}, float)"/> at a chosen instruction set.</summary>
    internal static unsafe void L2NormalizeRows(ReadOnlySpan<float> x, int cols, Span<float> y, Span<float> norms, float eps, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(y.Length, x.Length, nameof(y), "one per value of x");
        Validate.Length(norms.Length, rows, nameof(norms), "one per row of x");
        Validate.Eps(eps);
        fixed (float* px = x, py = y, pn = norms)
            RowDriver.Run(new L2NormalizeRowOperator(px, py, pn, cols, eps), rows, x.Length, level);
    }
}

internal readonly unsafe struct L2NormalizeRowOperator(float* x, float* y, float* norms, int cols, float eps) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* xr = x + (nint)row * cols;
        float norm = MathF.Sqrt(RowMath.SumOfSquares<TSimd, TVec>(xr, cols, 0f));
        norms[row] = norm;
        RowMath.ScaleShift<TSimd, TVec>(xr, y + (nint)row * cols, cols, 1f / MathF.Max(norm, eps), 0f);
    }
}
