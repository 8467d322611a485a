using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tandem.Tensors.Kernels;

// Register-tiled micro-kernels, one accumulator per register (the unrolled bodies are
// generated, so each shape is written once). Run reads packed A; RunDirect broadcasts straight
// from Mr rows of a row-major A (row stride lda), which saves packing A when N is small.
// c[i*ldc + j] = alpha * sum_p A[i, p] * b[p*Nr + j] (+ c[i*ldc + j] when add), i < rows, j < cols.
// A partial tile goes through a stack tile so the loop never branches on the edge; the
// arithmetic is the same either way, so results do not depend on where a tile falls.

/// <summary>AVX-512F: a 14×32 tile in 28 zmm accumulators.</summary>
internal readonly unsafe struct Avx512MicroKernel : IGemmMicroKernel
{
    public static SimdLevel Level => SimdLevel.Avx512;
    public static int Mr => 14;
    public static int Nr => 32;
    public static int Kc => 512;
    public static int Mc => 14 * 12;
    public static int Nc => 32 * 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, int rows, int cols, float alpha, bool add)
    {
        for (int i = 0; i < 14; i++)
        {
            Sse.Prefetch0(c + i * ldc + 0);
            Sse.Prefetch0(c + i * ldc + 16);
        }
        var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero;
        var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero;
        var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero;
        var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero;
        var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero;
        var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero;
        var c6_0 = Vector512<float>.Zero; var c6_1 = Vector512<float>.Zero;
        var c7_0 = Vector512<float>.Zero; var c7_1 = Vector512<float>.Zero;
        var c8_0 = Vector512<float>.Zero; var c8_1 = Vector512<float>.Zero;
        var c9_0 = Vector512<float>.Zero; var c9_1 = Vector512<float>.Zero;
        var c10_0 = Vector512<float>.Zero; var c10_1 = Vector512<float>.Zero;
        var c11_0 = Vector512<float>.Zero; var c11_1 = Vector512<float>.Zero;
        var c12_0 = Vector512<float>.Zero; var c12_1 = Vector512<float>.Zero;
        var c13_0 = Vector512<float>.Zero; var c13_1 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7, b1, c7_1);
            var a8 = Vector512.Create(a[8]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8, b0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8, b1, c8_1);
            var a9 = Vector512.Create(a[9]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9, b0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9, b1, c9_1);
            var a10 = Vector512.Create(a[10]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10, b0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10, b1, c10_1);
            var a11 = Vector512.Create(a[11]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11, b0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11, b1, c11_1);
            var a12 = Vector512.Create(a[12]);
            c12_0 = Avx512F.FusedMultiplyAdd(a12, b0, c12_0); c12_1 = Avx512F.FusedMultiplyAdd(a12, b1, c12_1);
            var a13 = Vector512.Create(a[13]);
            c13_0 = Avx512F.FusedMultiplyAdd(a13, b0, c13_0); c13_1 = Avx512F.FusedMultiplyAdd(a13, b1, c13_1);
            a += 14;
            b += 32;
        }
        bool full = rows == 14 && cols == 32;
        float* tile = stackalloc float[full ? 0 : 448];
        float* dst = full ? c : tile;
        nint ld = full ? ldc : 32;
        bool addHere = full && add;
        var scale = Vector512.Create(alpha);
        Store(c0_0 * scale, dst + 0 * ld + 0, addHere); Store(c0_1 * scale, dst + 0 * ld + 16, addHere);
        Store(c1_0 * scale, dst + 1 * ld + 0, addHere); Store(c1_1 * scale, dst + 1 * ld + 16, addHere);
        Store(c2_0 * scale, dst + 2 * ld + 0, addHere); Store(c2_1 * scale, dst + 2 * ld + 16, addHere);
        Store(c3_0 * scale, dst + 3 * ld + 0, addHere); Store(c3_1 * scale, dst + 3 * ld + 16, addHere);
        Store(c4_0 * scale, dst + 4 * ld + 0, addHere); Store(c4_1 * scale, dst + 4 * ld + 16, addHere);
        Store(c5_0 * scale, dst + 5 * ld + 0, addHere); Store(c5_1 * scale, dst + 5 * ld + 16, addHere);
        Store(c6_0 * scale, dst + 6 * ld + 0, addHere); Store(c6_1 * scale, dst + 6 * ld + 16, addHere);
        Store(c7_0 * scale, dst + 7 * ld + 0, addHere); Store(c7_1 * scale, dst + 7 * ld + 16, addHere);
        Store(c8_0 * scale, dst + 8 * ld + 0, addHere); Store(c8_1 * scale, dst + 8 * ld + 16, addHere);
        Store(c9_0 * scale, dst + 9 * ld + 0, addHere); Store(c9_1 * scale, dst + 9 * ld + 16, addHere);
        Store(c10_0 * scale, dst + 10 * ld + 0, addHere); Store(c10_1 * scale, dst + 10 * ld + 16, addHere);
        Store(c11_0 * scale, dst + 11 * ld + 0, addHere); Store(c11_1 * scale, dst + 11 * ld + 16, addHere);
        Store(c12_0 * scale, dst + 12 * ld + 0, addHere); Store(c12_1 * scale, dst + 12 * ld + 16, addHere);
        Store(c13_0 * scale, dst + 13 * ld + 0, addHere); Store(c13_1 * scale, dst + 13 * ld + 16, addHere);
        if (!full) GemmTile.CopyOut(tile, 32, c, ldc, rows, cols, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunDirect(int kc, float* a, nint lda, float* b, float* c, nint ldc, int cols, float alpha, bool add)
    {
        const int rows = 14;
        for (int i = 0; i < 14; i++)
        {
            Sse.Prefetch0(c + i * ldc + 0);
            Sse.Prefetch0(c + i * ldc + 16);
        }
        var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero;
        var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero;
        var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero;
        var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero;
        var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero;
        var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero;
        var c6_0 = Vector512<float>.Zero; var c6_1 = Vector512<float>.Zero;
        var c7_0 = Vector512<float>.Zero; var c7_1 = Vector512<float>.Zero;
        var c8_0 = Vector512<float>.Zero; var c8_1 = Vector512<float>.Zero;
        var c9_0 = Vector512<float>.Zero; var c9_1 = Vector512<float>.Zero;
        var c10_0 = Vector512<float>.Zero; var c10_1 = Vector512<float>.Zero;
        var c11_0 = Vector512<float>.Zero; var c11_1 = Vector512<float>.Zero;
        var c12_0 = Vector512<float>.Zero; var c12_1 = Vector512<float>.Zero;
        var c13_0 = Vector512<float>.Zero; var c13_1 = Vector512<float>.Zero;
        // Rows 0..6 from a, rows 7..13 from a + 7·lda, at offsets 0, lda, 2·lda, ...
        float* top = a, bottom = a + 7 * lda;
        nint o1 = lda, o2 = 2 * lda, o3 = 3 * lda, o4 = 4 * lda, o5 = 5 * lda, o6 = 6 * lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(top[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(top[o1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(top[o2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector512.Create(top[o3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            var a4 = Vector512.Create(top[o4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1);
            var a5 = Vector512.Create(top[o5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1);
            var a6 = Vector512.Create(top[o6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6, b1, c6_1);
            var a7 = Vector512.Create(bottom[0]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7, b1, c7_1);
            var a8 = Vector512.Create(bottom[o1]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8, b0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8, b1, c8_1);
            var a9 = Vector512.Create(bottom[o2]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9, b0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9, b1, c9_1);
            var a10 = Vector512.Create(bottom[o3]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10, b0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10, b1, c10_1);
            var a11 = Vector512.Create(bottom[o4]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11, b0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11, b1, c11_1);
            var a12 = Vector512.Create(bottom[o5]);
            c12_0 = Avx512F.FusedMultiplyAdd(a12, b0, c12_0); c12_1 = Avx512F.FusedMultiplyAdd(a12, b1, c12_1);
            var a13 = Vector512.Create(bottom[o6]);
            c13_0 = Avx512F.FusedMultiplyAdd(a13, b0, c13_0); c13_1 = Avx512F.FusedMultiplyAdd(a13, b1, c13_1);
            top++;
            bottom++;
            b += 32;
        }
        bool full = rows == 14 && cols == 32;
        float* tile = stackalloc float[full ? 0 : 448];
        float* dst = full ? c : tile;
        nint ld = full ? ldc : 32;
        bool addHere = full && add;
        var scale = Vector512.Create(alpha);
        Store(c0_0 * scale, dst + 0 * ld + 0, addHere); Store(c0_1 * scale, dst + 0 * ld + 16, addHere);
        Store(c1_0 * scale, dst + 1 * ld + 0, addHere); Store(c1_1 * scale, dst + 1 * ld + 16, addHere);
        Store(c2_0 * scale, dst + 2 * ld + 0, addHere); Store(c2_1 * scale, dst + 2 * ld + 16, addHere);
        Store(c3_0 * scale, dst + 3 * ld + 0, addHere); Store(c3_1 * scale, dst + 3 * ld + 16, addHere);
        Store(c4_0 * scale, dst + 4 * ld + 0, addHere); Store(c4_1 * scale, dst + 4 * ld + 16, addHere);
        Store(c5_0 * scale, dst + 5 * ld + 0, addHere); Store(c5_1 * scale, dst + 5 * ld + 16, addHere);
        Store(c6_0 * scale, dst + 6 * ld + 0, addHere); Store(c6_1 * scale, dst + 6 * ld + 16, addHere);
        Store(c7_0 * scale, dst + 7 * ld + 0, addHere); Store(c7_1 * scale, dst + 7 * ld + 16, addHere);
        Store(c8_0 * scale, dst + 8 * ld + 0, addHere); Store(c8_1 * scale, dst + 8 * ld + 16, addHere);
        Store(c9_0 * scale, dst + 9 * ld + 0, addHere); Store(c9_1 * scale, dst + 9 * ld + 16, addHere);
        Store(c10_0 * scale, dst + 10 * ld + 0, addHere); Store(c10_1 * scale, dst + 10 * ld + 16, addHere);
        Store(c11_0 * scale, dst + 11 * ld + 0, addHere); Store(c11_1 * scale, dst + 11 * ld + 16, addHere);
        Store(c12_0 * scale, dst + 12 * ld + 0, addHere); Store(c12_1 * scale, dst + 12 * ld + 16, addHere);
        Store(c13_0 * scale, dst + 13 * ld + 0, addHere); Store(c13_1 * scale, dst + 13 * ld + 16, addHere);
        if (!full) GemmTile.CopyOut(tile, 32, c, ldc, rows, cols, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector512<float> value, float* dst, bool add)
    {
        if (add) value += Vector512.Load(dst);
        value.Store(dst);
    }
}

/// <summary>AVX2 + FMA: a 6×16 tile in 12 ymm accumulators.</summary>
internal readonly unsafe struct Avx2MicroKernel : IGemmMicroKernel
{
    public static SimdLevel Level => SimdLevel.Avx2;
    public static int Mr => 6;
    public static int Nr => 16;
    public static int Kc => 256;
    public static int Mc => 6 * 24;
    public static int Nc => 16 * 128;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, int rows, int cols, float alpha, bool add)
    {
        for (int i = 0; i < 6; i++)
        {
            Sse.Prefetch0(c + i * ldc + 0);
        }
        var c0_0 = Vector256<float>.Zero; var c0_1 = Vector256<float>.Zero;
        var c1_0 = Vector256<float>.Zero; var c1_1 = Vector256<float>.Zero;
        var c2_0 = Vector256<float>.Zero; var c2_1 = Vector256<float>.Zero;
        var c3_0 = Vector256<float>.Zero; var c3_1 = Vector256<float>.Zero;
        var c4_0 = Vector256<float>.Zero; var c4_1 = Vector256<float>.Zero;
        var c5_0 = Vector256<float>.Zero; var c5_1 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(a0, b0, c0_0); c0_1 = Fma.MultiplyAdd(a0, b1, c0_1);
            var a1 = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(a1, b0, c1_0); c1_1 = Fma.MultiplyAdd(a1, b1, c1_1);
            var a2 = Vector256.Create(a[2]);
            c2_0 = Fma.MultiplyAdd(a2, b0, c2_0); c2_1 = Fma.MultiplyAdd(a2, b1, c2_1);
            var a3 = Vector256.Create(a[3]);
            c3_0 = Fma.MultiplyAdd(a3, b0, c3_0); c3_1 = Fma.MultiplyAdd(a3, b1, c3_1);
            var a4 = Vector256.Create(a[4]);
            c4_0 = Fma.MultiplyAdd(a4, b0, c4_0); c4_1 = Fma.MultiplyAdd(a4, b1, c4_1);
            var a5 = Vector256.Create(a[5]);
            c5_0 = Fma.MultiplyAdd(a5, b0, c5_0); c5_1 = Fma.MultiplyAdd(a5, b1, c5_1);
            a += 6;
            b += 16;
        }
        bool full = rows == 6 && cols == 16;
        float* tile = stackalloc float[full ? 0 : 96];
        float* dst = full ? c : tile;
        nint ld = full ? ldc : 16;
        bool addHere = full && add;
        var scale = Vector256.Create(alpha);
        Store(c0_0 * scale, dst + 0 * ld + 0, addHere); Store(c0_1 * scale, dst + 0 * ld + 8, addHere);
        Store(c1_0 * scale, dst + 1 * ld + 0, addHere); Store(c1_1 * scale, dst + 1 * ld + 8, addHere);
        Store(c2_0 * scale, dst + 2 * ld + 0, addHere); Store(c2_1 * scale, dst + 2 * ld + 8, addHere);
        Store(c3_0 * scale, dst + 3 * ld + 0, addHere); Store(c3_1 * scale, dst + 3 * ld + 8, addHere);
        Store(c4_0 * scale, dst + 4 * ld + 0, addHere); Store(c4_1 * scale, dst + 4 * ld + 8, addHere);
        Store(c5_0 * scale, dst + 5 * ld + 0, addHere); Store(c5_1 * scale, dst + 5 * ld + 8, addHere);
        if (!full) GemmTile.CopyOut(tile, 16, c, ldc, rows, cols, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunDirect(int kc, float* a, nint lda, float* b, float* c, nint ldc, int cols, float alpha, bool add)
    {
        const int rows = 6;
        for (int i = 0; i < 6; i++)
        {
            Sse.Prefetch0(c + i * ldc + 0);
        }
        var c0_0 = Vector256<float>.Zero; var c0_1 = Vector256<float>.Zero;
        var c1_0 = Vector256<float>.Zero; var c1_1 = Vector256<float>.Zero;
        var c2_0 = Vector256<float>.Zero; var c2_1 = Vector256<float>.Zero;
        var c3_0 = Vector256<float>.Zero; var c3_1 = Vector256<float>.Zero;
        var c4_0 = Vector256<float>.Zero; var c4_1 = Vector256<float>.Zero;
        var c5_0 = Vector256<float>.Zero; var c5_1 = Vector256<float>.Zero;
        // Rows 0..2 from a, rows 3..5 from a + 3·lda, at offsets 0, lda, 2·lda, ...
        float* top = a, bottom = a + 3 * lda;
        nint o1 = lda, o2 = 2 * lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(top[0]);
            c0_0 = Fma.MultiplyAdd(a0, b0, c0_0); c0_1 = Fma.MultiplyAdd(a0, b1, c0_1);
            var a1 = Vector256.Create(top[o1]);
            c1_0 = Fma.MultiplyAdd(a1, b0, c1_0); c1_1 = Fma.MultiplyAdd(a1, b1, c1_1);
            var a2 = Vector256.Create(top[o2]);
            c2_0 = Fma.MultiplyAdd(a2, b0, c2_0); c2_1 = Fma.MultiplyAdd(a2, b1, c2_1);
            var a3 = Vector256.Create(bottom[0]);
            c3_0 = Fma.MultiplyAdd(a3, b0, c3_0); c3_1 = Fma.MultiplyAdd(a3, b1, c3_1);
            var a4 = Vector256.Create(bottom[o1]);
            c4_0 = Fma.MultiplyAdd(a4, b0, c4_0); c4_1 = Fma.MultiplyAdd(a4, b1, c4_1);
            var a5 = Vector256.Create(bottom[o2]);
            c5_0 = Fma.MultiplyAdd(a5, b0, c5_0); c5_1 = Fma.MultiplyAdd(a5, b1, c5_1);
            top++;
            bottom++;
            b += 16;
        }
        bool full = rows == 6 && cols == 16;
        float* tile = stackalloc float[full ? 0 : 96];
        float* dst = full ? c : tile;
        nint ld = full ? ldc : 16;
        bool addHere = full && add;
        var scale = Vector256.Create(alpha);
        Store(c0_0 * scale, dst + 0 * ld + 0, addHere); Store(c0_1 * scale, dst + 0 * ld + 8, addHere);
        Store(c1_0 * scale, dst + 1 * ld + 0, addHere); Store(c1_1 * scale, dst + 1 * ld + 8, addHere);
        Store(c2_0 * scale, dst + 2 * ld + 0, addHere); Store(c2_1 * scale, dst + 2 * ld + 8, addHere);
        Store(c3_0 * scale, dst + 3 * ld + 0, addHere); Store(c3_1 * scale, dst + 3 * ld + 8, addHere);
        Store(c4_0 * scale, dst + 4 * ld + 0, addHere); Store(c4_1 * scale, dst + 4 * ld + 8, addHere);
        Store(c5_0 * scale, dst + 5 * ld + 0, addHere); Store(c5_1 * scale, dst + 5 * ld + 8, addHere);
        if (!full) GemmTile.CopyOut(tile, 16, c, ldc, rows, cols, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector256<float> value, float* dst, bool add)
    {
        if (add) value += Vector256.Load(dst);
        value.Store(dst);
    }
}
