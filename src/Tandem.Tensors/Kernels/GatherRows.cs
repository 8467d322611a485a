namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Embedding lookup: <c>y[i, c] = table[ids[i], c]</c> for a row-major table with <paramref name="cols"/> columns.
    /// Each row is a block copy (<see cref="Span{T}.CopyTo"/>, already vectorised by the runtime).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or an id is not a row of the table.</exception>
    /// <exception cref="ArgumentException"><paramref name="table"/> is not whole rows, or <paramref name="y"/> is not ids.Length rows.</exception>
    public static unsafe void GatherRows(ReadOnlySpan<float> table, int cols, ReadOnlySpan<int> ids, Span<float> y)
    {
        int rows = Validate.Rows(table.Length, cols, nameof(table));
        Validate.Length(y.Length, (long)ids.Length * cols, nameof(y), "ids.Length rows of cols values");
        Validate.Ids(ids, rows);
        fixed (float* pt = table, py = y)
        fixed (int* pi = ids)
            RowDriver.Run(new GatherRowOperator(pt, pi, py, cols), ids.Length, y.Length, Simd.Best);
    }
}

internal readonly unsafe struct GatherRowOperator(float* table, int* ids, float* y, int cols) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int row) where TSimd : ISimd<TVec> where TVec : struct =>
        new ReadOnlySpan<float>(table + (nint)ids[row] * cols, cols).CopyTo(new Span<float>(y + (nint)row * cols, cols));
}
