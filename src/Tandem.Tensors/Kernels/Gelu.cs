using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// GELU in its tanh approximation (Hendrycks and Gimpel; the form BERT and GPT-2 use):
    /// <c>y[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))</c>, computed as the equal
    /// <c>x / (1 + exp(-2u))</c> with <c>u = √(2/π)·(x + 0.044715·x³)</c>, which saturates cleanly
    /// (to x for large x, to -0 for very negative x). <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y) => Gelu(x, y, Simd.Best);

    /// <summary><see cref="Gelu(ReadOnlySpan{float}, Span{float})"/> at a chosen instruction set.</summary>
    internal static void Gelu(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) =>
        ElementwiseDriver.Unary<GeluOperator>(x, y, level);
}

/// <summary><c>x / (1 + exp(-2u))</c>, <c>u = √(2/π)·x·(1 + 0.044715·x²)</c>.</summary>
internal readonly struct GeluOperator : IUnaryOperator
{
    /// <summary>-2·√(2/π): the factor of <c>x·(1 + a·x²)</c> in the exponent.</summary>
    internal const float MinusTwoC = -1.5957691216057308f;
    internal const float A = 0.044715f;

    public static float Invoke(float x) => x / (1 + MathF.Exp(MinusTwoC * x * MathF.FusedMultiplyAdd(A, x * x, 1)));

    public static Vector256<float> Invoke(Vector256<float> x)
    {
        var poly = Vector256.FusedMultiplyAdd(Vector256.Create(A), x * x, Vector256<float>.One);
        return x / (Vector256<float>.One + VectorExp.Exp(Vector256.Create(MinusTwoC) * x * poly));
    }

    public static Vector128<float> Invoke(Vector128<float> x)
    {
        var poly = Vector128.FusedMultiplyAdd(Vector128.Create(A), x * x, Vector128<float>.One);
        return x / (Vector128<float>.One + VectorExp.Exp(Vector128.Create(MinusTwoC) * x * poly));
    }

    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var poly = Vector512.FusedMultiplyAdd(Vector512.Create(A), x * x, Vector512<float>.One);
        return x / (Vector512<float>.One + VectorExp.Exp(Vector512.Create(MinusTwoC) * x * poly));
    }
}
