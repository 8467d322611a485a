using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// Matrix-vector products for the m = 1 and n = 1 cases of <see cref="Gemm"/>, where packing
/// costs more than it saves. Two shapes cover every transpose: a row-wise dot product when the
/// vector runs along the matrix rows, and a sum of scaled rows (axpy) when it runs down them.
/// </summary>
internal static unsafe class Gemv
{
    /// <summary><c>y[j] = alpha * Σ_p mat[j*ld + p] * x[p]</c> (+ y[j] when add), j &lt; count, p &lt; len.</summary>
    public static void DotRows(SimdLevel level, float* mat, nint ld, int count, int len, float* x, float* y, float alpha, bool add)
    {
        int j = 0;
        if (level == SimdLevel.Avx512)
            for (; j + 4 <= count; j += 4) DotFour512(mat + j * ld, ld, len, x, y + j, alpha, add);
        else if (level == SimdLevel.Avx2)
            for (; j + 4 <= count; j += 4) DotFour256(mat + j * ld, ld, len, x, y + j, alpha, add);
        for (; j < count; j++)
        {
            float* row = mat + j * ld;
            float sum = 0;
            for (int p = 0; p < len; p++) sum += row[p] * x[p];
            Store(y + j, alpha * sum, add);
        }
    }

    /// <summary><c>y[j] = alpha * Σ_p x[p] * mat[p*ld + j]</c> (+ y[j] when add), j &lt; count, p &lt; len.</summary>
    public static void AxpyRows(SimdLevel level, float* mat, nint ld, int len, int count, float* x, float* y, float alpha, bool add)
    {
        // Beyond L2 the column passes' strided reads miss the cache: stream the rows in order instead.
        if ((long)len * count * sizeof(float) > StreamBytes)
        {
            switch (level)
            {
                case SimdLevel.Avx512: AxpyStream<Avx512Simd, Vector512<float>>(mat, ld, len, count, x, y, alpha, add); return;
                case SimdLevel.Avx2: AxpyStream<Avx2Simd, Vector256<float>>(mat, ld, len, count, x, y, alpha, add); return;
                case SimdLevel.Vector128: AxpyStream<Vector128Simd, Vector128<float>>(mat, ld, len, count, x, y, alpha, add); return;
                default: AxpyStream<ScalarSimd, float>(mat, ld, len, count, x, y, alpha, add); return;
            }
        }
        int j = 0;
        if (level == SimdLevel.Avx512)
        {
            for (; j + 64 <= count; j += 64) Axpy64x512(mat + j, ld, len, x, y + j, alpha, add);
            for (; j + 16 <= count; j += 16) Axpy16x512(mat + j, ld, len, x, y + j, alpha, add);
        }
        else if (level == SimdLevel.Avx2)
        {
            // 64 columns a pass (8 accumulators of 16 registers) reads each row of B once per 64 outputs.
            for (; j + 64 <= count; j += 64) Axpy64x256(mat + j, ld, len, x, y + j, alpha, add);
            for (; j + 32 <= count; j += 32) Axpy32x256(mat + j, ld, len, x, y + j, alpha, add);
            for (; j + 8 <= count; j += 8) Axpy8x256(mat + j, ld, len, x, y + j, alpha, add);
        }
        for (; j < count; j++)
        {
            float sum = 0;
            for (int p = 0; p < len; p++) sum += x[p] * mat[p * ld + j];
            Store(y + j, alpha * sum, add);
        }
    }

    static void Store(float* y, float value, bool add) => *y = add ? value + *y : value;

    /// <summary>Matrices above this many bytes are streamed row by row (about half an L2).</summary>
    const long StreamBytes = 512 * 1024;

    /// <summary>
    /// <see cref="AxpyRows"/> reading the matrix once in memory order: four rows at a time are
    /// scaled into a sum of <paramref name="count"/> floats that stays in L1/L2.
    /// </summary>
    static void AxpyStream<TSimd, TVec>(float* mat, nint ld, int len, int count, float* x, float* y, float alpha, bool add)
        where TSimd : ISimd<TVec> where TVec : struct
    {
        var rented = System.Buffers.ArrayPool<float>.Shared.Rent(count);
        fixed (float* sum = rented)
        {
            new Span<float>(sum, count).Clear();
            int w = TSimd.Count, p = 0;
            for (; p + 4 <= len; p += 4)
            {
                float* r0 = mat + p * ld, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
                TVec x0 = TSimd.Splat(x[p]), x1 = TSimd.Splat(x[p + 1]), x2 = TSimd.Splat(x[p + 2]), x3 = TSimd.Splat(x[p + 3]);
                int j = 0;
                for (; j + w <= count; j += w)
                {
                    var acc = TSimd.MultiplyAdd(TSimd.Load(r0 + j), x0, TSimd.Load(sum + j));
                    acc = TSimd.MultiplyAdd(TSimd.Load(r1 + j), x1, acc);
                    acc = TSimd.MultiplyAdd(TSimd.Load(r2 + j), x2, acc);
                    TSimd.Store(TSimd.MultiplyAdd(TSimd.Load(r3 + j), x3, acc), sum + j);
                }
                for (; j < count; j++)
                    sum[j] = MathF.FusedMultiplyAdd(r3[j], x[p + 3], MathF.FusedMultiplyAdd(r2[j], x[p + 2], MathF.FusedMultiplyAdd(r1[j], x[p + 1], MathF.FusedMultiplyAdd(r0[j], x[p], sum[j]))));
            }
            for (; p < len; p++)
            {
                float* row = mat + p * ld;
                for (int j = 0; j < count; j++) sum[j] = MathF.FusedMultiplyAdd(row[j], x[p], sum[j]);
            }
            for (int j = 0; j < count; j++) Store(y + j, alpha * sum[j], add);
        }
        System.Buffers.ArrayPool<float>.Shared.Return(rented);
    }

    static void DotFour512(float* row, nint ld, int len, float* x, float* y, float alpha, bool add)
    {
        float* r1 = row + ld, r2 = r1 + ld, r3 = r2 + ld;
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int p = 0;
        for (; p + 16 <= len; p += 16)
        {
            var xv = Vector512.Load(x + p);
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(row + p), xv, s0);
            s1 = Avx512F.FusedMultiplyAdd(Vector512.Load(r1 + p), xv, s1);
            s2 = Avx512F.FusedMultiplyAdd(Vector512.Load(r2 + p), xv, s2);
            s3 = Avx512F.FusedMultiplyAdd(Vector512.Load(r3 + p), xv, s3);
        }
        float t0 = Vector512.Sum(s0), t1 = Vector512.Sum(s1), t2 = Vector512.Sum(s2), t3 = Vector512.Sum(s3);
        for (; p < len; p++)
        {
            t0 += row[p] * x[p]; t1 += r1[p] * x[p]; t2 += r2[p] * x[p]; t3 += r3[p] * x[p];
        }
        Store(y, alpha * t0, add); Store(y + 1, alpha * t1, add); Store(y + 2, alpha * t2, add); Store(y + 3, alpha * t3, add);
    }

    static void DotFour256(float* row, nint ld, int len, float* x, float* y, float alpha, bool add)
    {
        float* r1 = row + ld, r2 = r1 + ld, r3 = r2 + ld;
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int p = 0;
        for (; p + 8 <= len; p += 8)
        {
            var xv = Vector256.Load(x + p);
            s0 = Fma.MultiplyAdd(Vector256.Load(row + p), xv, s0);
            s1 = Fma.MultiplyAdd(Vector256.Load(r1 + p), xv, s1);
            s2 = Fma.MultiplyAdd(Vector256.Load(r2 + p), xv, s2);
            s3 = Fma.MultiplyAdd(Vector256.Load(r3 + p), xv, s3);
        }
        float t0 = Vector256.Sum(s0), t1 = Vector256.Sum(s1), t2 = Vector256.Sum(s2), t3 = Vector256.Sum(s3);
        for (; p < len; p++)
        {
            t0 += row[p] * x[p]; t1 += r1[p] * x[p]; t2 += r2[p] * x[p]; t3 += r3[p] * x[p];
        }
        Store(y, alpha * t0, add); Store(y + 1, alpha * t1, add); Store(y + 2, alpha * t2, add); Store(y + 3, alpha * t3, add);
    }

    static void Axpy64x512(float* col, nint ld, int len, float* x, float* y, float alpha, bool add)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int p = 0; p < len; p++, col += ld)
        {
            var xv = Vector512.Create(x[p]);
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(col), xv, s0);
            s1 = Avx512F.FusedMultiplyAdd(Vector512.Load(col + 16), xv, s1);
            s2 = Avx512F.FusedMultiplyAdd(Vector512.Load(col + 32), xv, s2);
            s3 = Avx512F.FusedMultiplyAdd(Vector512.Load(col + 48), xv, s3);
        }
        Store512(y, s0, alpha, add); Store512(y + 16, s1, alpha, add); Store512(y + 32, s2, alpha, add); Store512(y + 48, s3, alpha, add);
    }

    static void Axpy16x512(float* col, nint ld, int len, float* x, float* y, float alpha, bool add)
    {
        Vector512<float> s = default;
        for (int p = 0; p < len; p++, col += ld)
            s = Avx512F.FusedMultiplyAdd(Vector512.Load(col), Vector512.Create(x[p]), s);
        Store512(y, s, alpha, add);
    }

    static void Axpy64x256(float* col, nint ld, int len, float* x, float* y, float alpha, bool add)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int p = 0; p < len; p++, col += ld)
        {
            var xv = Vector256.Create(x[p]);
            s0 = Fma.MultiplyAdd(Vector256.Load(col), xv, s0);
            s1 = Fma.MultiplyAdd(Vector256.Load(col + 8), xv, s1);
            s2 = Fma.MultiplyAdd(Vector256.Load(col + 16), xv, s2);
            s3 = Fma.MultiplyAdd(Vector256.Load(col + 24), xv, s3);
            s4 = Fma.MultiplyAdd(Vector256.Load(col + 32), xv, s4);
            s5 = Fma.MultiplyAdd(Vector256.Load(col + 40), xv, s5);
            s6 = Fma.MultiplyAdd(Vector256.Load(col + 48), xv, s6);
            s7 = Fma.MultiplyAdd(Vector256.Load(col + 56), xv, s7);
        }
        Store256(y, s0, alpha, add); Store256(y + 8, s1, alpha, add); Store256(y + 16, s2, alpha, add); Store256(y + 24, s3, alpha, add);
        Store256(y + 32, s4, alpha, add); Store256(y + 40, s5, alpha, add); Store256(y + 48, s6, alpha, add); Store256(y + 56, s7, alpha, add);
    }

    static void Axpy32x256(float* col, nint ld, int len, float* x, float* y, float alpha, bool add)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int p = 0; p < len; p++, col += ld)
        {
            var xv = Vector256.Create(x[p]);
            s0 = Fma.MultiplyAdd(Vector256.Load(col), xv, s0);
            s1 = Fma.MultiplyAdd(Vector256.Load(col + 8), xv, s1);
            s2 = Fma.MultiplyAdd(Vector256.Load(col + 16), xv, s2);
            s3 = Fma.MultiplyAdd(Vector256.Load(col + 24), xv, s3);
        }
        Store256(y, s0, alpha, add); Store256(y + 8, s1, alpha, add); Store256(y + 16, s2, alpha, add); Store256(y + 24, s3, alpha, add);
    }

    static void Axpy8x256(float* col, nint ld, int len, float* x, float* y, float alpha, bool add)
    {
        Vector256<float> s = default;
        for (int p = 0; p < len; p++, col += ld)
            s = Fma.MultiplyAdd(Vector256.Load(col), Vector256.Create(x[p]), s);
        Store256(y, s, alpha, add);
    }

    static void Store256(float* y, Vector256<float> sum, float alpha, bool add)
    {
        var value = sum * alpha;
        if (add) value += Vector256.Load(y);
        value.Store(y);
    }

    static void Store512(float* y, Vector512<float> sum, float alpha, bool add)
    {
        var value = sum * alpha;
        if (add) value += Vector512.Load(y);
        value.Store(y);
    }
}
