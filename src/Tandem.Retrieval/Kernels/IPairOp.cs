using Tandem.Tensors;

namespace Tandem.Retrieval.Kernels;

/// <summary>
/// A reduction over two equal-length float vectors with a scalar, a Vector256 and a Vector512
/// path (the <c>TensorPrimitives</c> operator-struct shape). <see cref="PairKernel"/> owns dispatch.
/// </summary>
internal unsafe interface IPairOp
{
    /// <summary>The reference path: plain loops, runs everywhere.</summary>
    static abstract float Scalar(float* a, float* b, int length);

    /// <summary>AVX2 + FMA path; callers check <see cref="SimdLevel.Avx2"/> support.</summary>
    static abstract float Vector256Path(float* a, float* b, int length);

    /// <summary>AVX-512 path; callers check <see cref="SimdLevel.Avx512"/> support.</summary>
    static abstract float Vector512Path(float* a, float* b, int length);
}

/// <summary>Dispatch of an <see cref="IPairOp"/> to a SIMD level, chosen once per call site.</summary>
internal static unsafe class PairKernel
{
    /// <summary>Runs <typeparamref name="TOp"/> at <paramref name="level"/>.</summary>
    public static float Run<TOp>(float* a, float* b, int length, SimdLevel level) where TOp : IPairOp => level switch
    {
        SimdLevel.Avx512 => TOp.Vector512Path(a, b, length),
        SimdLevel.Avx2 => TOp.Vector256Path(a, b, length),
        _ => TOp.Scalar(a, b, length),
    };

    /// <summary>A function pointer to the path of <typeparamref name="TOp"/> at <paramref name="level"/>.</summary>
    public static delegate*<float*, float*, int, float> Pointer<TOp>(SimdLevel level) where TOp : IPairOp => level switch
    {
        SimdLevel.Avx512 => &TOp.Vector512Path,
        SimdLevel.Avx2 => &TOp.Vector256Path,
        _ => &TOp.Scalar,
    };
}
