using System.Runtime.CompilerServices;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// <c>result = internal distance(a, b)</c> (see <see cref="Distance"/>) as a struct a hot loop is
/// specialised over, so the call inlines instead of going through a function pointer.
/// </summary>
internal unsafe interface IInlineDistance
{
    static abstract float Of(float* a, float* b, int length);
}

/// <summary>Which <see cref="IInlineDistance"/> a metric runs at a SIMD level.</summary>
internal enum InlineDistanceKind { NegDot512, NegDot256, NegDotScalar, L2512, L2256, L2Scalar }

internal static class InlineDistance
{
    public static InlineDistanceKind For(Metric storageMetric, Tandem.Tensors.SimdLevel level) => (storageMetric == Metric.L2, level) switch
    {
        (false, Tandem.Tensors.SimdLevel.Avx512) => InlineDistanceKind.NegDot512,
        (false, Tandem.Tensors.SimdLevel.Avx2) => InlineDistanceKind.NegDot256,
        (false, _) => InlineDistanceKind.NegDotScalar,
        (true, Tandem.Tensors.SimdLevel.Avx512) => InlineDistanceKind.L2512,
        (true, Tandem.Tensors.SimdLevel.Avx2) => InlineDistanceKind.L2256,
        _ => InlineDistanceKind.L2Scalar,
    };
}

internal unsafe struct NegDot512 : IInlineDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float* a, float* b, int length) => -DotOp.Vector512Path(a, b, length);
}

internal unsafe struct NegDot256 : IInlineDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float* a, float* b, int length) => -DotOp.Vector256Path(a, b, length);
}

internal unsafe struct NegDotScalar : IInlineDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float* a, float* b, int length) => -DotOp.Scalar(a, b, length);
}

internal unsafe struct L2512 : IInlineDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float* a, float* b, int length) => SquaredL2Op.Vector512Path(a, b, length);
}

internal unsafe struct L2256 : IInlineDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float* a, float* b, int length) => SquaredL2Op.Vector256Path(a, b, length);
}

internal unsafe struct L2Scalar : IInlineDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float* a, float* b, int length) => SquaredL2Op.Scalar(a, b, length);
}
