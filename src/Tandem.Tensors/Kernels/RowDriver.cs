using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// Runs a row operator over every row at a chosen <see cref="SimdLevel"/>, on several threads when
/// the work is large. Rows are independent, so one thread and many give bit-identical results.
/// Public entries validate their spans before calling <see cref="Run"/>.
/// </summary>
internal static class RowDriver
{
    /// <param name="op">The operator, holding the call's pointers.</param>
    /// <param name="rows">Rows to process.</param>
    /// <param name="work">Values touched, to decide whether threads pay off.</param>
    /// <param name="level">The instruction set to use; must be supported by this machine.</param>
    public static void Run<TOp>(TOp op, int rows, long work, SimdLevel level) where TOp : struct, IRowOperator
    {
        Debug.Assert(level <= Simd.Best, $"{level} is not supported on this machine.");
        switch (level)
        {
            case SimdLevel.Avx512: Parallelism.For(rows, work, new Body<TOp, Avx512Simd, Vector512<float>>(op)); break;
            case SimdLevel.Avx2: Parallelism.For(rows, work, new Body<TOp, Avx2Simd, Vector256<float>>(op)); break;
            case SimdLevel.Vector128: Parallelism.For(rows, work, new Body<TOp, Vector128Simd, Vector128<float>>(op)); break;
            default: Parallelism.For(rows, work, new Body<TOp, ScalarSimd, float>(op)); break;
        }
    }

    readonly struct Body<TOp, TSimd, TVec>(TOp op) : IRangeBody
        where TOp : struct, IRowOperator where TSimd : ISimd<TVec> where TVec : struct
    {
        public void Invoke(int start, int end)
        {
            for (int row = start; row < end; row++) op.Invoke<TSimd, TVec>(row);
        }
    }
}
