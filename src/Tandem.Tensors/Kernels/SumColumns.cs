namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Column sums, the gradient of a bias: <c>sums[c] = Σ_r x[r, c]</c>, overwriting <paramref name="sums"/>
    /// (zeros when x has no rows). Large inputs are summed as a fixed number of row blocks whose partial
    /// sums are added in block order, so the result does not depend on <see cref="Threads.Count"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not whole rows, or <paramref name="sums"/> does not hold cols values.</exception>
    public static void SumColumns(ReadOnlySpan<float> x, int cols, Span<float> sums) => SumColumns(x, cols, sums, Simd.Best);

    /// <summary><see cref="SumColumns(ReadOnlySpan{float}, int, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void SumColumns(ReadOnlySpan<float> x, int cols, Span<float> sums, SimdLevel level)
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(sums.Length, cols, nameof(sums), "one per column");
        fixed (float* px = x)
            ColumnReduce.Run(new SumColumnsOperator(px, cols), rows, x.Length, sums, level);
    }
}

internal readonly unsafe struct SumColumnsOperator(float* x, int cols) : IColumnBlockOperator
{
    public void Invoke<TSimd, TVec>(int firstRow, int endRow, float* sums) where TSimd : ISimd<TVec> where TVec : struct
    {
        new Span<float>(sums, cols).Clear();
        for (int r = firstRow; r < endRow; r++) RowMath.Add<TSimd, TVec>(sums, x + (nint)r * cols, sums, cols);
    }
}
