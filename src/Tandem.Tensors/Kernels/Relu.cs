using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Rectified linear unit: <c>y[i] = x[i] &gt; 0 ? x[i] : 0</c> (a NaN gives 0).
    /// <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not as long as <paramref name="x"/>.</exception>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => Relu(x, y, Simd.Best);

    /// <summary><see cref="Relu(ReadOnlySpan{float}, Span{float})"/> at a chosen instruction set.</summary>
    internal static void Relu(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) =>
        ElementwiseDriver.Unary<ReluOperator>(x, y, level);
}

/// <summary><c>x &gt; 0 ? x : 0</c>, as x masked by the comparison.</summary>
internal readonly struct ReluOperator : IUnaryOperator
{
    public static float Invoke(float x) => x > 0 ? x : 0;
    public static Vector256<float> Invoke(Vector256<float> x) => x & Vector256.GreaterThan(x, Vector256<float>.Zero);
    public static Vector128<float> Invoke(Vector128<float> x) => x & Vector128.GreaterThan(x, Vector128<float>.Zero);
    public static Vector512<float> Invoke(Vector512<float> x) => x & Vector512.GreaterThan(x, Vector512<float>.Zero);
}
