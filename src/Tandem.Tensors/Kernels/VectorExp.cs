using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// <c>exp</c> on float vectors, after Cephes <c>expf</c>: <c>exp(x) = 2^n·exp(r)</c> with
/// <c>n = round(x·log2 e)</c>, <c>r = x - n·ln 2</c> (ln 2 split in two so r is nearly exact) and
/// <c>exp(r)</c> a degree-7 polynomial on |r| ≤ ln2/2; within 2 ulps of the true value (tested).
/// Written here, rather than using <see cref="Vector512.Exp(Vector512{float})"/>, so that it inlines
/// into the kernels' loops (not yet measured in a committed benchmark). Beyond the float range: <c>+inf</c> above ln(float.MaxValue) ≈ 88.72,
/// 0 below about -86.99 (results under 2^-125.5 flush to zero: no subnormals), NaN stays NaN.
/// </summary>
internal static class VectorExp
{
    const float Low = -87.33654f, High = 89f, Log2E = 1.44269504088896341f;
    const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
        P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // MaxNative/MinNative return their second operand when either is NaN (x86), so NaN passes through.
        x = Vector256.MinNative(Vector256.Create(High), Vector256.MaxNative(Vector256.Create(Low), x));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        // 2^n as 2^(n-1)·2, so n = 128 (x near the top of the range) still has a finite exponent field.
        var half = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(126), 23).AsSingle();
        return p * half * Vector256.Create(2f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.MinNative(Vector128.Create(High), Vector128.MaxNative(Vector128.Create(Low), x));
        var n = Vector128.Round(x * Vector128.Create(Log2E));
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), r);
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P5));
        p = Vector128.FusedMultiplyAdd(p, r * r, r) + Vector128<float>.One;
        var half = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(126), 23).AsSingle();
        return p * half * Vector128.Create(2f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.MinNative(Vector512.Create(High), Vector512.MaxNative(Vector512.Create(Low), x));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var half = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(126), 23).AsSingle();
        return p * half * Vector512.Create(2f);
    }
}
