using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// The distance every index uses internally: smaller is better, so inner product and cosine use
/// <c>-dot</c> and L2 the squared distance. <see cref="MetricExtensions.ToScore"/> turns it back.
/// The loops are the Tensors SIMD vocabulary's (<c>RowMath.Dot</c>, <c>RowMath.SquaredDistance</c>).
/// </summary>
public static unsafe class Distance
{
    /// <summary><c>result = Σ a[i] · b[i]</c> at <paramref name="level"/> (default: the best this CPU runs).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="NotSupportedException"><paramref name="level"/> is not supported by this CPU.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimdLevel? level = null) =>
        -Run(a, b, Metric.InnerProduct, level); // the internal inner-product distance is -dot

    /// <summary><c>result = Σ (a[i] - b[i])²</c> at <paramref name="level"/> (default: the best this CPU runs).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="NotSupportedException"><paramref name="level"/> is not supported by this CPU.</exception>
    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimdLevel? level = null) =>
        Run(a, b, Metric.L2, level);

    static float Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Metric metric, SimdLevel? level)
    {
        if (a.Length != b.Length) RetrievalThrow.Argument($"Vectors differ in length: {a.Length} and {b.Length}.");
        var chosen = level ?? Simd.Best;
        if (chosen > Simd.Best) RetrievalThrow.NotSupported($"SIMD level {chosen} is not supported on this CPU (best is {Simd.Best}).");
        fixed (float* pa = a, pb = b) return For(metric, chosen)(pa, pb, a.Length);
    }

    /// <summary>The internal-distance function for <paramref name="metric"/> (its storage metric) at <paramref name="level"/>.</summary>
    internal static delegate*<float*, float*, int, float> For(Metric metric, SimdLevel level) => (metric == Metric.L2, level) switch
    {
        (false, SimdLevel.Avx512) => &NegativeDot<Avx512Simd, Vector512<float>>.Of,
        (false, SimdLevel.Avx2) => &NegativeDot<Avx2Simd, Vector256<float>>.Of,
        (false, SimdLevel.Vector128) => &NegativeDot<Vector128Simd, Vector128<float>>.Of,
        (false, _) => &NegativeDot<ScalarSimd, float>.Of,
        (true, SimdLevel.Avx512) => &SquaredL2<Avx512Simd, Vector512<float>>.Of,
        (true, SimdLevel.Avx2) => &SquaredL2<Avx2Simd, Vector256<float>>.Of,
        (true, SimdLevel.Vector128) => &SquaredL2<Vector128Simd, Vector128<float>>.Of,
        _ => &SquaredL2<ScalarSimd, float>.Of,
    };

    /// <summary>Scales <paramref name="v"/> to unit length in place (left alone when it is all zeros).</summary>
    internal static void Normalize(Span<float> v)
    {
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
    }
}

/// <summary>
/// <c>result = internal distance(a, b)</c> (see <see cref="Distance"/>) as a struct a hot loop is
/// specialised over, so the call inlines instead of going through a function pointer.
/// </summary>
internal unsafe interface IDistance
{
    static abstract float Of(float* a, float* b, int length);
}

/// <summary><c>-Σ a[i]·b[i]</c>: inner product and cosine (on normalised vectors).</summary>
internal readonly unsafe struct NegativeDot<TSimd, TVec> : IDistance where TSimd : ISimd<TVec> where TVec : struct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Of(float* a, float* b, int length) => -RowMath.Dot<TSimd, TVec>(a, b, length);
}

/// <summary><c>Σ (a[i] - b[i])²</c>: L2.</summary>
internal readonly unsafe struct SquaredL2<TSimd, TVec> : IDistance where TSimd : ISimd<TVec> where TVec : struct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Of(float* a, float* b, int length) => RowMath.SquaredDistance<TSimd, TVec>(a, b, length);
}
