using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Gradient of <see cref="Relu(ReadOnlySpan{float}, Span{float})"/>: <c>dx[i] = x[i] &gt; 0 ? dy[i] : 0</c>,
    /// where <paramref name="x"/> is the forward input (the output works as well, having the same sign).
    /// <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dy"/> or <paramref name="dx"/> is not as long as <paramref name="x"/>.</exception>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) => ReluBackward(x, dy, dx, Simd.Best);

    /// <summary><see cref="ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> at a chosen instruction set.</summary>
    internal static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, SimdLevel level) =>
        ElementwiseDriver.Binary<ReluBackwardOperator>(x, dy, dx, level, nameof(x), nameof(dy), nameof(dx));
}

/// <summary><c>x &gt; 0 ? dy : 0</c>, as dy masked by the comparison.</summary>
internal readonly struct ReluBackwardOperator : IBinaryOperator
{
    public static float Invoke(float x, float dy) => x > 0 ? dy : 0;
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy) => dy & Vector256.GreaterThan(x, Vector256<float>.Zero);
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> dy) => dy & Vector128.GreaterThan(x, Vector128<float>.Zero);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> dy) => dy & Vector512.GreaterThan(x, Vector512<float>.Zero);
}
