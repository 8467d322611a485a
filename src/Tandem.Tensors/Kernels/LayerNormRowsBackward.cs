namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Gradients of <see cref="LayerNormRows(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, float)"/>
    /// from its saved <paramref name="mean"/> and <paramref name="rstd"/>. With <c>x̂ = (x - mean[r])·rstd[r]</c>
    /// and <c>g = dy·gamma</c>: <c>dx[r, c] = rstd[r]·(g[r, c] - mean_c(g[r]) - x̂[r, c]·mean_c(g[r]·x̂[r]))</c>,
    /// <c>dgamma[c] = Σ_r dy[r, c]·x̂[r, c]</c> and <c>dbeta[c] = Σ_r dy[r, c]</c>. All three are overwritten;
    /// the column sums do not depend on <see cref="Threads.Count"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span's length does not match x's rows and cols.</exception>
    public static void LayerNormRowsBackward(ReadOnlySpan<float> x, int cols, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> rstd, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dgamma, Span<float> dbeta) =>
        LayerNormRowsBackward(x, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta, Simd.Best);

    /// <summary>LayerNormRowsBackward at a chosen instruction set.</summary>
    internal static unsafe void LayerNormRowsBackward(ReadOnlySpan<float> x, int cols, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> rstd, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dgamma, Span<float> dbeta, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(gamma.Length, cols, nameof(gamma), "one per column");
        Validate.Length(mean.Length, rows, nameof(mean), "one per row of x");
        Validate.Length(rstd.Length, rows, nameof(rstd), "one per row of x");
        Validate.Length(dy.Length, x.Length, nameof(dy), "one per value of x");
        Validate.Length(dx.Length, x.Length, nameof(dx), "one per value of x");
        Validate.Length(dgamma.Length, cols, nameof(dgamma), "one per column");
        Validate.Length(dbeta.Length, cols, nameof(dbeta), "one per column");
        float[] both = System.Buffers.ArrayPool<float>.Shared.Rent(2 * cols);
        try
        {
            fixed (float* px = x, pg = gamma, pm = mean, pr = rstd, pd = dy, pdx = dx)
            {
                var op = new LayerNormBackwardOperator(px, pg, pm, pr, pd, pdx, cols);
                RowDriver.Run(op, rows, 2L * x.Length, level);
                ColumnReduce.Run(op, rows, 2L * x.Length, both.AsSpan(0, 2 * cols), level);
            }
            both.AsSpan(0, cols).CopyTo(dgamma);
            both.AsSpan(cols, cols).CopyTo(dbeta);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(both);
        }
    }
}

/// <summary>As a row operator, one row of dx; as a column-block operator, dgamma then dbeta over a block of rows.</summary>
internal readonly unsafe struct LayerNormBackwardOperator(float* x, float* gamma, float* means, float* rstds, float* dy, float* dx, int cols)
    : IRowOperator, IColumnBlockOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* xr = x + (nint)row * cols, dyr = dy + (nint)row * cols, dxr = dx + (nint)row * cols;
        float mean = means[row], rstd = rstds[row];
        int w = TSimd.Count, i = 0;
        TVec m = TSimd.Splat(mean), s = TSimd.Splat(rstd), sumG = TSimd.Splat(0), sumGx = sumG;
        for (; i <= cols - w; i += w)
        {
            TVec g = TSimd.Multiply(TSimd.Load(dyr + i), TSimd.Load(gamma + i));
            sumG = TSimd.Add(sumG, g);
            sumGx = TSimd.MultiplyAdd(g, TSimd.Multiply(TSimd.Subtract(TSimd.Load(xr + i), m), s), sumGx);
        }
        float a = TSimd.Sum(sumG), b = TSimd.Sum(sumGx);
        for (; i < cols; i++)
        {
            float g = dyr[i] * gamma[i];
            a += g;
            b = MathF.FusedMultiplyAdd(g, (xr[i] - mean) * rstd, b);
        }
        a /= cols;
        b /= cols;
        TVec va = TSimd.Splat(a), vb = TSimd.Splat(b);
        for (i = 0; i <= cols - w; i += w)
        {
            TVec g = TSimd.Multiply(TSimd.Load(dyr + i), TSimd.Load(gamma + i));
            TVec xhat = TSimd.Multiply(TSimd.Subtract(TSimd.Load(xr + i), m), s);
            TSimd.Store(TSimd.Multiply(s, TSimd.Subtract(TSimd.Subtract(g, va), TSimd.Multiply(xhat, vb))), dxr + i);
        }
        for (; i < cols; i++) dxr[i] = rstd * (dyr[i] * gamma[i] - a - (xr[i] - mean) * rstd * b);
    }

    public void Invoke<TSimd, TVec>(int firstRow, int endRow, float* partial) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* dgamma = partial, dbeta = partial + cols;
        new Span<float>(partial, 2 * cols).Clear();
        int w = TSimd.Count;
        for (int r = firstRow; r < endRow; r++)
        {
            float* xr = x + (nint)r * cols, dyr = dy + (nint)r * cols;
            float mean = means[r], rstd = rstds[r];
            TVec m = TSimd.Splat(mean), s = TSimd.Splat(rstd);
            int i = 0;
            for (; i <= cols - w; i += w)
            {
                TVec d = TSimd.Load(dyr + i);
                TVec xhat = TSimd.Multiply(TSimd.Subtract(TSimd.Load(xr + i), m), s);
                TSimd.Store(TSimd.MultiplyAdd(d, xhat, TSimd.Load(dgamma + i)), dgamma + i);
                TSimd.Store(TSimd.Add(d, TSimd.Load(dbeta + i)), dbeta + i);
            }
            for (; i < cols; i++)
            {
                dgamma[i] = MathF.FusedMultiplyAdd(dyr[i], (xr[i] - mean) * rstd, dgamma[i]);
                dbeta[i] += dyr[i];
            }
        }
    }
}
