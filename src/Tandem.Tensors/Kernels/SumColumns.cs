using System.Buffers;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Column sums, the gradient of a bias: <c>sums[c] = Σ_r x[r, c]</c>, overwriting <paramref name="sums"/>.
    /// Large inputs are summed as a fixed number of row blocks whose partial sums are added in block
    /// order, so the result does not depend on <see cref="Threads.Count"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="sums"/> does not hold cols values.</exception>
    public static void SumColumns(ReadOnlySpan<float> x, int cols, Span<float> sums) => SumColumns(x, cols, sums, Simd.Best);

    /// <summary><see cref="SumColumns(ReadOnlySpan{float}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void SumColumns(ReadOnlySpan<float> x, int cols, Span<float> sums, SimdLevel level)
    {
        const int Blocks = 16;
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(sums.Length, cols, nameof(sums), "one per column");
        int blockRows = x.Length >= Parallelism.MinWork ? (rows + Blocks - 1) / Blocks : Math.Max(rows, 1);
        int blocks = (rows + blockRows - 1) / blockRows;
        if (blocks <= 1)
        {
            fixed (float* px = x, ps = sums)
                RowDriver.Run(new ColumnBlockOperator(px, rows, cols, rows, ps), 1, 0, level);
            return;
        }
        float[] partials = ArrayPool<float>.Shared.Rent(blocks * cols);
        try
        {
            fixed (float* px = x, pp = partials, ps = sums)
            {
                RowDriver.Run(new ColumnBlockOperator(px, rows, cols, blockRows, pp), blocks, x.Length, level);
                new Span<float>(pp, cols).CopyTo(sums);
                for (int b = 1; b < blocks; b++) RowMath.AddIn(level, ps, pp + (nint)b * cols, cols);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }
}

/// <summary>"Row" b of this operator sums rows b·blockRows.. of x into <c>sums[b·cols..]</c>.</summary>
internal readonly unsafe struct ColumnBlockOperator(float* x, int rows, int cols, int blockRows, float* sums) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int block) where TSimd : ISimd<TVec> where TVec : struct
    {
        float* s = sums + (nint)block * cols;
        new Span<float>(s, cols).Clear();
        int end = Math.Min(rows, (block + 1) * blockRows);
        for (int r = block * blockRows; r < end; r++) RowMath.Add<TSimd, TVec>(s, x + (nint)r * cols, s, cols);
    }
}
