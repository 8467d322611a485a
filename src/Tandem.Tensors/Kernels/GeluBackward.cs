using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Gradient of <see cref="Gelu(ReadOnlySpan{float}, Span{float})"/> (tanh approximation):
    /// <c>dx[i] = dy[i]·(s + 2·x·s·(1 - s)·√(2/π)·(1 + 3·0.044715·x²))</c> with <c>s = 1 / (1 + exp(-2u))</c>,
    /// which is <c>0.5·(1 + tanh u)</c>. <paramref name="x"/> is the forward input; <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dy"/> or <paramref name="dx"/> is not as long as <paramref name="x"/>.</exception>
    public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) => GeluBackward(x, dy, dx, Simd.Best);

    /// <summary><see cref="GeluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> at a chosen instruction set.</summary>
    internal static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, SimdLevel level) =>
        ElementwiseDriver.Binary<GeluBackwardOperator>(x, dy, dx, level, nameof(x), nameof(dy), nameof(dx));
}

/// <summary><c>dy·(s + x·s·(1 - s)·2u')</c> with s the logistic of 2u and <c>2u' = 2√(2/π)(1 + 3a·x²)</c>.</summary>
internal readonly struct GeluBackwardOperator : IBinaryOperator
{
    const float TwoC = -GeluOperator.MinusTwoC, ThreeA = 3 * GeluOperator.A;

    public static float Invoke(float x, float dy)
    {
        float x2 = x * x;
        float s = 1 / (1 + MathF.Exp(GeluOperator.MinusTwoC * x * MathF.FusedMultiplyAdd(GeluOperator.A, x2, 1)));
        float slope = TwoC * MathF.FusedMultiplyAdd(ThreeA, x2, 1);
        return dy * MathF.FusedMultiplyAdd(x * s * (1 - s), slope, s);
    }

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy)
    {
        var one = Vector256<float>.One;
        var x2 = x * x;
        var s = one / (one + VectorExp.Exp(Vector256.Create(GeluOperator.MinusTwoC) * x * Vector256.FusedMultiplyAdd(Vector256.Create(GeluOperator.A), x2, one)));
        var slope = Vector256.Create(TwoC) * Vector256.FusedMultiplyAdd(Vector256.Create(ThreeA), x2, one);
        return dy * Vector256.FusedMultiplyAdd(x * s * (one - s), slope, s);
    }

    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy)
    {
        var one = Vector128<float>.One;
        var x2 = x * x;
        var s = one / (one + VectorExp.Exp(Vector128.Create(GeluOperator.MinusTwoC) * x * Vector128.FusedMultiplyAdd(Vector128.Create(GeluOperator.A), x2, one)));
        var slope = Vector128.Create(TwoC) * Vector128.FusedMultiplyAdd(Vector128.Create(ThreeA), x2, one);
        return dy * Vector128.FusedMultiplyAdd(x * s * (one - s), slope, s);
    }

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy)
    {
        var one = Vector512<float>.One;
        var x2 = x * x;
        var s = one / (one + VectorExp.Exp(Vector512.Create(GeluOperator.MinusTwoC) * x * Vector512.FusedMultiplyAdd(Vector512.Create(GeluOperator.A), x2, one)));
        var slope = Vector512.Create(TwoC) * Vector512.FusedMultiplyAdd(Vector512.Create(ThreeA), x2, one);
        return dy * Vector512.FusedMultiplyAdd(x * s * (one - s), slope, s);
    }
}
