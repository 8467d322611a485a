using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Embedding gradient: <c>table[ids[i], c] += dy[i, c]</c> for every i in order, so a repeated id
    /// receives the sum of its rows. On several threads each thread owns the table rows with
    /// <c>id % threads</c> equal to its number and adds them in the same order, so the result does not
    /// depend on the thread count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is not positive, or an id is not a row of the table.</exception>
    /// <exception cref="ArgumentException"><paramref name="table"/> is not whole rows, or <paramref name="dy"/> is not ids.Length rows.</exception>
    public static void ScatterAddRows(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> ids, Span<float> table) =>
        ScatterAddRows(dy, cols, ids, table, Simd.Best);

    /// <summary><see cref="ScatterAddRows(ReadOnlySpan{float}, int, ReadOnlySpan{int}, Span{float})"/> at a chosen instruction set.</summary>
    internal static unsafe void ScatterAddRows(ReadOnlySpan<float> dy, int cols, ReadOnlySpan<int> ids, Span<float> table, SimdLevel level)
    {
        int rows = Validate.Rows(table.Length, cols, nameof(table));
        Validate.Length(dy.Length, (long)ids.Length * cols, nameof(dy), "ids.Length rows of cols values");
        Validate.Ids(ids, rows);
        fixed (float* pd = dy, pt = table)
        fixed (int* pi = ids)
        {
            int parts = Parallelism.Parts(dy.Length);
            var op = new ScatterAddPartOperator(pd, pi, ids.Length, pt, cols, parts);
            RowDriver.Run(op, parts, dy.Length, level);
        }
    }
}

/// <summary>"Row" p of this operator is the share of ids with <c>id % parts == p</c>.</summary>
internal readonly unsafe struct ScatterAddPartOperator(float* dy, int* ids, int count, float* table, int cols, int parts) : IRowOperator
{
    public void Invoke<TSimd, TVec>(int part) where TSimd : ISimd<TVec> where TVec : struct
    {
        for (int i = 0; i < count; i++)
        {
            if (ids[i] % parts != part) continue;
            float* destination = table + (nint)ids[i] * cols;
            RowMath.Add<TSimd, TVec>(destination, dy + (nint)i * cols, destination, cols);
        }
    }
}
