using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// The vector vocabulary a kernel is written in, once, generic over the width: <see cref="ScalarSimd"/>
/// (a "vector" of one float), <see cref="Vector128Simd"/> (<see cref="Vector128{T}"/>: SSE or AdvSIMD), <see cref="Avx2Simd"/> (<see cref="Vector256{T}"/>) and
/// <see cref="Avx512Simd"/> (<see cref="Vector512{T}"/>). The JIT specialises each use for the struct,
/// so the generic code compiles to the same instructions as a hand-written loop per width.
/// </summary>
internal unsafe interface ISimd<TVec> where TVec : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }
    static abstract TVec Load(float* source);
    static abstract void Store(TVec value, float* destination);
    static abstract TVec Splat(float value);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    /// <summary><c>a * b + c</c>, fused where the hardware can.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);
    /// <summary>Lane-wise maximum; which operand a NaN yields is unspecified.</summary>
    static abstract TVec Max(TVec a, TVec b);
    static abstract TVec Exp(TVec value);
    static abstract float Sum(TVec value);
    static abstract float MaxAcross(TVec value);
    /// <summary>True when some lane of <paramref name="value"/> is greater than <paramref name="threshold"/>.</summary>
    static abstract bool AnyGreaterThan(TVec value, float threshold);
    /// <summary>Bit i set when lane i of <paramref name="value"/> is less than or equal to <paramref name="threshold"/>.</summary>
    static abstract uint LessThanOrEqualMask(TVec value, float threshold);
    static abstract TVec Unary<TOp>(TVec x) where TOp : IUnaryOperator;
    static abstract TVec Binary<TOp>(TVec x, TVec y) where TOp : IBinaryOperator;
}

/// <summary>Width one: the reference path every other level is tested against.</summary>
internal readonly unsafe struct ScalarSimd : ISimd<float>
{
    public static int Count => 1;
    public static float Load(float* source) => *source;
    public static void Store(float value, float* destination) => *destination = value;
    public static float Splat(float value) => value;
    public static float Add(float a, float b) => a + b;
    public static float Subtract(float a, float b) => a - b;
    public static float Multiply(float a, float b) => a * b;
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
    public static float Max(float a, float b) => a >= b ? a : b;
    public static float Exp(float value) => MathF.Exp(value);
    public static float Sum(float value) => value;
    public static float MaxAcross(float value) => value;
    public static bool AnyGreaterThan(float value, float threshold) => value > threshold;
    public static uint LessThanOrEqualMask(float value, float threshold) => value <= threshold ? 1u : 0u;
    public static float Unary<TOp>(float x) where TOp : IUnaryOperator => TOp.Invoke(x);
    public static float Binary<TOp>(float x, float y) where TOp : IBinaryOperator => TOp.Invoke(x, y);
}

/// <summary>128-bit vectors: four floats (SSE on x86, AdvSIMD on ARM64).</summary>
internal readonly unsafe struct Vector128Simd : ISimd<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* source) => Vector128.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, float* destination) => value.Store(destination);
    public static Vector128<float> Splat(float value) => Vector128.Create(value);
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);
    public static Vector128<float> Exp(Vector128<float> value) => VectorExp.Exp(value);
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);
    public static float MaxAcross(Vector128<float> value)
    {
        float m = value[0];
        for (int i = 1; i < Vector128<float>.Count; i++) m = ScalarSimd.Max(m, value[i]);
        return m;
    }
    public static bool AnyGreaterThan(Vector128<float> value, float threshold) => Vector128.GreaterThanAny(value, Vector128.Create(threshold));
    public static uint LessThanOrEqualMask(Vector128<float> value, float threshold) => Vector128.LessThanOrEqual(value, Vector128.Create(threshold)).ExtractMostSignificantBits();
    public static Vector128<float> Unary<TOp>(Vector128<float> x) where TOp : IUnaryOperator => TOp.Invoke(x);
    public static Vector128<float> Binary<TOp>(Vector128<float> x, Vector128<float> y) where TOp : IBinaryOperator => TOp.Invoke(x, y);
}

/// <summary>AVX2 + FMA: eight floats per vector.</summary>
internal readonly unsafe struct Avx2Simd : ISimd<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, float* destination) => value.Store(destination);
    public static Vector256<float> Splat(float value) => Vector256.Create(value);
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);
    public static Vector256<float> Exp(Vector256<float> value) => VectorExp.Exp(value);
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);
    public static float MaxAcross(Vector256<float> value)
    {
        return Vector128Simd.MaxAcross(Vector128.MaxNative(value.GetLower(), value.GetUpper()));
    }
    public static bool AnyGreaterThan(Vector256<float> value, float threshold) => Vector256.GreaterThanAny(value, Vector256.Create(threshold));
    public static uint LessThanOrEqualMask(Vector256<float> value, float threshold) => Vector256.LessThanOrEqual(value, Vector256.Create(threshold)).ExtractMostSignificantBits();
    public static Vector256<float> Unary<TOp>(Vector256<float> x) where TOp : IUnaryOperator => TOp.Invoke(x);
    public static Vector256<float> Binary<TOp>(Vector256<float> x, Vector256<float> y) where TOp : IBinaryOperator => TOp.Invoke(x, y);
}

/// <summary>AVX-512F: sixteen floats per vector.</summary>
internal readonly unsafe struct Avx512Simd : ISimd<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, float* destination) => value.Store(destination);
    public static Vector512<float> Splat(float value) => Vector512.Create(value);
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);
    public static Vector512<float> Exp(Vector512<float> value) => VectorExp.Exp(value);
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);
    public static float MaxAcross(Vector512<float> value) =>
        Avx2Simd.MaxAcross(Vector256.MaxNative(value.GetLower(), value.GetUpper()));
    public static bool AnyGreaterThan(Vector512<float> value, float threshold) => Vector512.GreaterThanAny(value, Vector512.Create(threshold));
    public static uint LessThanOrEqualMask(Vector512<float> value, float threshold) => (uint)Vector512.LessThanOrEqual(value, Vector512.Create(threshold)).ExtractMostSignificantBits();
    public static Vector512<float> Unary<TOp>(Vector512<float> x) where TOp : IUnaryOperator => TOp.Invoke(x);
    public static Vector512<float> Binary<TOp>(Vector512<float> x, Vector512<float> y) where TOp : IBinaryOperator => TOp.Invoke(x, y);
}
