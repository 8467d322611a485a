using System.Buffers;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// Reduces a block of rows into <c>width</c> per-column results, overwriting <c>partial[0..width]</c>;
/// called once per block, possibly from several threads.
/// </summary>
internal unsafe interface IColumnBlockOperator
{
    void Invoke<TSimd, TVec>(int firstRow, int endRow, float* partial) where TSimd : ISimd<TVec> where TVec : struct;
}

/// <summary>
/// Drives column reductions (bias and layer-norm parameter gradients). Large inputs are cut into a
/// fixed number of row blocks whose partial results are added in block order, so the result is the
/// same for every <see cref="Threads.Count"/>; small inputs are one block on the calling thread.
/// </summary>
internal static unsafe class ColumnReduce
{
    const int Blocks = 16;

    /// <param name="op">The block reduction.</param>
    /// <param name="rows">Rows of the input.</param>
    /// <param name="work">Values the reduction reads, to decide whether to split it.</param>
    /// <param name="result">Where the <c>result.Length</c> per-column values go, overwritten.</param>
    /// <param name="level">The instruction set to use.</param>
    public static void Run<TOp>(TOp op, int rows, long work, Span<float> result, SimdLevel level) where TOp : struct, IColumnBlockOperator
    {
        int width = result.Length;
        int blockRows = work >= Parallelism.MinWork ? (rows + Blocks - 1) / Blocks : Math.Max(rows, 1);
        int blocks = (rows + blockRows - 1) / blockRows;
        if (blocks <= 1)
        {
            fixed (float* pr = result)
                RowDriver.Run(new BlockRows<TOp>(op, rows, rows, pr, width), 1, 0, level);
            return;
        }
        float[] partials = ArrayPool<float>.Shared.Rent(blocks * width);
        try
        {
            fixed (float* pp = partials, pr = result)
            {
                RowDriver.Run(new BlockRows<TOp>(op, rows, blockRows, pp, width), blocks, work, level);
                new Span<float>(pp, width).CopyTo(result);
                for (int b = 1; b < blocks; b++) RowMath.AddIn(level, pr, pp + (nint)b * width, width);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>"Row" b of this operator is block b: rows b·blockRows.. into <c>partials[b·width..]</c>.</summary>
    readonly struct BlockRows<TOp>(TOp op, int rows, int blockRows, float* partials, int width) : IRowOperator where TOp : struct, IColumnBlockOperator
    {
        public void Invoke<TSimd, TVec>(int block) where TSimd : ISimd<TVec> where TVec : struct =>
            op.Invoke<TSimd, TVec>(block * blockRows, Math.Min(rows, (block + 1) * blockRows), partials + (nint)block * width);
    }
}
