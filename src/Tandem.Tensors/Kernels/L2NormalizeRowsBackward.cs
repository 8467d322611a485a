namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Gradient of <see cref="L2NormalizeRows(ReadOnlySpan{float}, int, Span{float}, Span{float}, float)"/> from its output
    /// <paramref name="y"/> and <paramref name="norms"/>: where <c>norms[r] &gt; eps</c>,
    /// <c>dx[r, c] = (dy[r, c] - y[r, c]·Σ_j dy[r, j]·y[r, j]) / norms[r]</c>; where the norm was clamped to
    /// eps the divisor is a constant and <c>dx[r, c] = dy[r, c] / eps</c>. Pass the forward call's eps.
    /// <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or <paramref name="eps"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not whole rows, <paramref name="norms"/> does not hold one value per row,
    /// or <paramref name="dy"/> or <paramref name="dx"/> is not as long as <paramref name="y"/>.</exception>
    public static void L2NormalizeRowsBackward(ReadOnlySpan<float> y, int cols, ReadOnlySpan<float> norms, ReadOnlySpan<float> dy, Span<float> dx, float eps = 1e-12f) =>
        L2NormalizeRowsBackward(y, cols, norms, dy, dx, eps, Simd.Best);

    /// <summary>L2NormalizeRowsBackward at a chosen instruction set.</summary>
    internal static unsafe void L2NormalizeRowsBackward(ReadOnlySpan<float> y, int cols, ReadOnlySpan<float> norms, ReadOnlySpan<float> dy, Span<float> dx, float eps, SimdLevel level)
    {
        int rows = Validate.Rows(y.Length, cols, nameof(y));
        Validate.Length(norms.Length, rows, nameof(norms), "one per row of y");
        Validate.Length(dy.Length, y.Length, nameof(dy), "one per value of y");
        Validate.Length(dx.Length, y.Length, nameof(dx), "one per value of y");
        Validate.Eps(eps);
        fixed (float* py = y, pn = norms, pd = dy, px = dx)
            RowDriver.Run(new L2NormalizeBackwardRowOperator(py, pn, pd, px, cols, eps), rows, 2L * y.Length, level);
    }
}

internal readonly unsafe struct L2NormalizeBackwardRowOperator(float* y, float* norms, float* dy, float* dx, int cols, float eps) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        nint start = (nint)row * cols;
        float* yr = y + start, dyr = dy + start, dxr = dx + start;
        float norm = norms[row];
        // Clamped rows divided by the constant eps, so only the direct term remains.
        float dot = norm > eps ? RowMath.Dot<TSimd, TVec>(dyr, yr, cols) : 0f;
        RowMath.AxpyScaled<TSimd, TVec>(yr, -dot, dyr, 1f / MathF.Max(norm, eps), dxr, cols);
    }
}
