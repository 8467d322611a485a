using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tandem.Tensors;

/// <summary>The instruction sets a kernel may use, from widest to none.</summary>
public enum SimdLevel
{
    /// <summary>Plain scalar code; runs everywhere and is the reference for the others.</summary>
    Scalar,
    /// <summary>128-bit vectors (SSE on x86, AdvSIMD on ARM64): the path Apple silicon and Graviton run.</summary>
    Vector128,
    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA).</summary>
    Avx2,
    /// <summary>512-bit vectors (AVX-512F).</summary>
    Avx512,
}

/// <summary>What this machine supports; kernels dispatch on <see cref="Best"/>.</summary>
public static class Simd
{
    /// <summary>The widest level this CPU and runtime accelerate.</summary>
    public static SimdLevel Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? SimdLevel.Avx512
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? SimdLevel.Avx2
        : Vector128.IsHardwareAccelerated ? SimdLevel.Vector128
        : SimdLevel.Scalar;

    /// <summary>Every level this machine can run, for tests that check each path against the scalar one.</summary>
    public static IEnumerable<SimdLevel> Supported =>
        Enum.GetValues<SimdLevel>().Where(level => level <= Best);
}
