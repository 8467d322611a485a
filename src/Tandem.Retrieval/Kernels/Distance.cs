using System.Runtime.CompilerServices;
using Tandem.Tensors;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// The distance every index uses internally: smaller is better, so inner product and cosine use
/// <c>-dot</c> and L2 the squared distance. <see cref="MetricExtensions.ToScore"/> turns it back.
/// </summary>
public static unsafe class Distance
{
    /// <summary><c>result = Σ a[i] · b[i]</c> at <paramref name="level"/> (default: the best this CPU runs).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="NotSupportedException"><paramref name="level"/> is not supported by this CPU.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimdLevel? level = null) => Run<DotOp>(a, b, level);

    /// <summary><c>result = Σ (a[i] - b[i])²</c> at <paramref name="level"/> (default: the best this CPU runs).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="NotSupportedException"><paramref name="level"/> is not supported by this CPU.</exception>
    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimdLevel? level = null) => Run<SquaredL2Op>(a, b, level);

    static float Run<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimdLevel? level) where TOp : IPairOp
    {
        if (a.Length != b.Length) RetrievalThrow.Argument($"Vectors differ in length: {a.Length} and {b.Length}.");
        var chosen = level ?? Simd.Best;
        if (chosen > Simd.Best) RetrievalThrow.NotSupported($"SIMD level {chosen} is not supported on this CPU (best is {Simd.Best}).");
        fixed (float* pa = a, pb = b) return PairKernel.Run<TOp>(pa, pb, a.Length, chosen);
    }

    /// <summary>The internal-distance function for <paramref name="metric"/> at <paramref name="level"/>.</summary>
    internal static delegate*<float*, float*, int, float> For(Metric metric, SimdLevel level) => metric == Metric.L2
        ? PairKernel.Pointer<SquaredL2Op>(level)
        : level switch
        {
            SimdLevel.Avx512 => &NegDot512,
            SimdLevel.Avx2 => &NegDot256,
            _ => &NegDotScalar,
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float NegDot512(float* a, float* b, int n) => -DotOp.Vector512Path(a, b, n);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float NegDot256(float* a, float* b, int n) => -DotOp.Vector256Path(a, b, n);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float NegDotScalar(float* a, float* b, int n) => -DotOp.Scalar(a, b, n);

    /// <summary>Scales <paramref name="v"/> to unit length in place (left alone when it is all zeros).</summary>
    internal static void Normalize(Span<float> v)
    {
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
    }
}
