using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tandem.Retrieval.Kernels;

/// <summary><c>result = Σ a[i] · b[i]</c>. Lengths are trusted; the caller validated them.</summary>
internal readonly unsafe struct DotOp : IPairOp
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Scalar(float* a, float* b, int length)
    {
        float sum = 0;
        for (int i = 0; i < length; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Vector256Path(float* a, float* b, int length)
    {
        var acc0 = Vector256<float>.Zero; var acc1 = Vector256<float>.Zero;
        int i = 0;
        for (; i <= length - 16; i += 16)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), acc1);
        }
        if (i <= length - 8)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc0);
            i += 8;
        }
        float sum = Vector256.Sum(acc0 + acc1);
        for (; i < length; i++) sum += a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Vector512Path(float* a, float* b, int length)
    {
        var acc0 = Vector512<float>.Zero; var acc1 = Vector512<float>.Zero;
        int i = 0;
        for (; i <= length - 32; i += 32)
        {
            acc0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc0);
            acc1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 16), Vector512.Load(b + i + 16), acc1);
        }
        if (i <= length - 16)
        {
            acc0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc0);
            i += 16;
        }
        acc0 += acc1;
        if (i <= length - 8)
        {
            var tail = Vector256.Multiply(Vector256.Load(a + i), Vector256.Load(b + i));
            acc0 += Vector512.Create(tail, Vector256<float>.Zero);
            i += 8;
        }
        float sum = Vector512.Sum(acc0);
        for (; i < length; i++) sum += a[i] * b[i];
        return sum;
    }
}
