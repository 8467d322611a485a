using System.Runtime.CompilerServices;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// Loops over one row that the row operators are built from, written once for every width:
/// full vectors first, then the remainder one float at a time.
/// </summary>
internal static unsafe class RowMath
{
    /// <summary>The largest of <c>x[0..n]</c>; <c>-inf</c> when n is 0.</summary>
    public static float Max<TSimd, TVec>(float* x, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        float max = float.NegativeInfinity;
        if (n >= w)
        {
            TVec acc = TSimd.Load(x);
            for (i = w; i <= n - w; i += w) acc = TSimd.Max(acc, TSimd.Load(x + i));
            max = TSimd.MaxAcross(acc);
        }
        for (; i < n; i++) max = ScalarSimd.Max(max, x[i]);
        return max;
    }

    /// <summary>Σ x[i].</summary>
    public static float Sum<TSimd, TVec>(float* x, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec acc0 = TSimd.Splat(0), acc1 = acc0;
        // Two accumulators halve the add latency chain and the rounding error growth.
        for (; i <= n - 2 * w; i += 2 * w)
        {
            acc0 = TSimd.Add(acc0, TSimd.Load(x + i));
            acc1 = TSimd.Add(acc1, TSimd.Load(x + i + w));
        }
        for (; i <= n - w; i += w) acc0 = TSimd.Add(acc0, TSimd.Load(x + i));
        float sum = TSimd.Sum(TSimd.Add(acc0, acc1));
        for (; i < n; i++) sum += x[i];
        return sum;
    }

    /// <summary>Σ a[i]·b[i].</summary>
    // Inlined: it is the inner loop of every nearest-neighbour search.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot<TSimd, TVec>(float* a, float* b, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec acc0 = TSimd.Splat(0), acc1 = acc0;
        for (; i <= n - 2 * w; i += 2 * w)
        {
            acc0 = TSimd.MultiplyAdd(TSimd.Load(a + i), TSimd.Load(b + i), acc0);
            acc1 = TSimd.MultiplyAdd(TSimd.Load(a + i + w), TSimd.Load(b + i + w), acc1);
        }
        for (; i <= n - w; i += w) acc0 = TSimd.MultiplyAdd(TSimd.Load(a + i), TSimd.Load(b + i), acc0);
        float sum = TSimd.Sum(TSimd.Add(acc0, acc1));
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(a[i], b[i], sum);
        return sum;
    }

    /// <summary>Σ (a[i] - b[i])².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SquaredDistance<TSimd, TVec>(float* a, float* b, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec acc0 = TSimd.Splat(0), acc1 = acc0;
        for (; i <= n - 2 * w; i += 2 * w)
        {
            TVec d0 = TSimd.Subtract(TSimd.Load(a + i), TSimd.Load(b + i));
            TVec d1 = TSimd.Subtract(TSimd.Load(a + i + w), TSimd.Load(b + i + w));
            acc0 = TSimd.MultiplyAdd(d0, d0, acc0);
            acc1 = TSimd.MultiplyAdd(d1, d1, acc1);
        }
        for (; i <= n - w; i += w)
        {
            TVec d = TSimd.Subtract(TSimd.Load(a + i), TSimd.Load(b + i));
            acc0 = TSimd.MultiplyAdd(d, d, acc0);
        }
        float sum = TSimd.Sum(TSimd.Add(acc0, acc1));
        for (; i < n; i++)
        {
            float d = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }
        return sum;
    }

    /// <summary><c>y[i] = (a[i] · scale + b[i]) · outer</c>; y may be a or b.</summary>
    public static void AxpyScaled<TSimd, TVec>(float* a, float scale, float* b, float outer, float* y, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec s = TSimd.Splat(scale), o = TSimd.Splat(outer);
        for (; i <= n - w; i += w) TSimd.Store(TSimd.Multiply(TSimd.MultiplyAdd(TSimd.Load(a + i), s, TSimd.Load(b + i)), o), y + i);
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(a[i], scale, b[i]) * outer;
    }

    /// <summary>Σ (x[i] - shift)².</summary>
    public static float SumOfSquares<TSimd, TVec>(float* x, int n, float shift) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec s = TSimd.Splat(shift), acc0 = TSimd.Splat(0), acc1 = acc0;
        for (; i <= n - 2 * w; i += 2 * w)
        {
            TVec d0 = TSimd.Subtract(TSimd.Load(x + i), s), d1 = TSimd.Subtract(TSimd.Load(x + i + w), s);
            acc0 = TSimd.MultiplyAdd(d0, d0, acc0);
            acc1 = TSimd.MultiplyAdd(d1, d1, acc1);
        }
        for (; i <= n - w; i += w)
        {
            TVec d = TSimd.Subtract(TSimd.Load(x + i), s);
            acc0 = TSimd.MultiplyAdd(d, d, acc0);
        }
        float sum = TSimd.Sum(TSimd.Add(acc0, acc1));
        for (; i < n; i++)
        {
            float d = x[i] - shift;
            sum = MathF.FusedMultiplyAdd(d, d, sum);
        }
        return sum;
    }

    /// <summary><c>y[i] = exp(x[i] - shift)</c>; returns Σ y[i].</summary>
    public static float ExpShifted<TSimd, TVec>(float* x, float* y, int n, float shift) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec s = TSimd.Splat(shift), acc = TSimd.Splat(0);
        for (; i <= n - w; i += w)
        {
            TVec e = TSimd.Exp(TSimd.Subtract(TSimd.Load(x + i), s));
            TSimd.Store(e, y + i);
            acc = TSimd.Add(acc, e);
        }
        float sum = TSimd.Sum(acc);
        for (; i < n; i++) sum += y[i] = MathF.Exp(x[i] - shift);
        return sum;
    }

    /// <summary>Σ exp(x[i] - shift), writing nothing.</summary>
    public static float SumExpShifted<TSimd, TVec>(float* x, int n, float shift) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec s = TSimd.Splat(shift), acc = TSimd.Splat(0);
        for (; i <= n - w; i += w) acc = TSimd.Add(acc, TSimd.Exp(TSimd.Subtract(TSimd.Load(x + i), s)));
        float sum = TSimd.Sum(acc);
        for (; i < n; i++) sum += MathF.Exp(x[i] - shift);
        return sum;
    }

    /// <summary><c>y[i] = x[i] * scale + shift</c>.</summary>
    public static void ScaleShift<TSimd, TVec>(float* x, float* y, int n, float scale, float shift) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec a = TSimd.Splat(scale), b = TSimd.Splat(shift);
        for (; i <= n - w; i += w) TSimd.Store(TSimd.MultiplyAdd(TSimd.Load(x + i), a, b), y + i);
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(x[i], scale, shift);
    }

    /// <summary><c>y[i] = x[i] · scale</c>, rounded once (a product, not a fused multiply-add).</summary>
    public static void Scale<TSimd, TVec>(float* x, float scale, float* y, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec s = TSimd.Splat(scale);
        for (; i <= n - w; i += w) TSimd.Store(TSimd.Multiply(TSimd.Load(x + i), s), y + i);
        for (; i < n; i++) y[i] = x[i] * scale;
    }

    /// <summary><c>y[i] = x[i] · scale + b[i]</c>, product and sum rounded apart (as TensorPrimitives.MultiplyAdd); y may be b.</summary>
    public static void MultiplyAdd<TSimd, TVec>(float* x, float scale, float* b, float* y, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        TVec s = TSimd.Splat(scale);
        for (; i <= n - w; i += w) TSimd.Store(TSimd.Add(TSimd.Multiply(TSimd.Load(x + i), s), TSimd.Load(b + i)), y + i);
        for (; i < n; i++) y[i] = x[i] * scale + b[i];
    }

    /// <summary><c>y[i] = a[i] + b[i]</c>; y may be a or b.</summary>
    public static void Add<TSimd, TVec>(float* a, float* b, float* y, int n) where TSimd : ISimd<TVec> where TVec : struct
    {
        int w = TSimd.Count, i = 0;
        for (; i <= n - w; i += w) TSimd.Store(TSimd.Add(TSimd.Load(a + i), TSimd.Load(b + i)), y + i);
        for (; i < n; i++) y[i] = a[i] + b[i];
    }

    /// <summary><c>y[i] += x[i]</c> at a chosen instruction set, for combining partial results outside a row operator.</summary>
    public static void AddIn(SimdLevel level, float* y, float* x, int n)
    {
        switch (level)
        {
            case SimdLevel.Avx512: Add<Avx512Simd, System.Runtime.Intrinsics.Vector512<float>>(y, x, y, n); break;
            case SimdLevel.Avx2: Add<Avx2Simd, System.Runtime.Intrinsics.Vector256<float>>(y, x, y, n); break;
            case SimdLevel.Vector128: Add<Vector128Simd, System.Runtime.Intrinsics.Vector128<float>>(y, x, y, n); break;
            default: Add<ScalarSimd, float>(y, x, y, n); break;
        }
    }
}
