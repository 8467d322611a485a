using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tandem.Tensors.Kernels;

/// <summary>
/// The operands of one product as raw pointers, with the transposes folded into element access:
/// op(A)[i, p] and op(B)[p, j]. Valid only while the caller that pinned the spans is waiting.
/// </summary>
internal readonly unsafe struct GemmOperands(float* a, float* b, float* c, int m, int n, int k, bool transA, bool transB, float alpha, bool accumulate)
{
    public readonly float* A = a, B = b, C = c;
    public readonly int M = m, N = n, K = k;
    public readonly bool TransA = transA, TransB = transB, Accumulate = accumulate;
    public readonly float Alpha = alpha;
}

/// <summary>
/// Packs blocks of op(A) and op(B) into the panel layout the micro-kernels stream through:
/// A as Mr-row panels (for each p, Mr consecutive rows), B as Nr-column panels (for each p, Nr
/// consecutive columns), zero-padded to whole panels. Packing absorbs the transposes: a layout
/// that already runs along the panel is copied, the other is transposed (16×16 blocks in
/// registers on AVX-512).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Floats a packing buffer needs past its panels: the AVX-512 transpose may store a
    /// whole vector where a panel is narrower than 16.</summary>
    public const int Slack = 16;

    /// <summary>dst[panel][p*mr + r] = op(A)[i0 + panel*mr + r, p0 + p], zero past <paramref name="rows"/>.</summary>
    public static void PackA(in GemmOperands g, int i0, int rows, int p0, int kc, int mr, float* dst, SimdLevel level)
    {
        for (int panel = 0; panel < rows; panel += mr, dst += (nint)mr * kc)
        {
            int r = Math.Min(mr, rows - panel);
            if (g.TransA) // stored k×m: each p holds the panel's rows contiguously
                CopyRows(g.A + (nint)p0 * g.M + i0 + panel, g.M, kc, r, dst, mr, level);
            else // stored m×k: each row holds the panel's p contiguously
                Transpose(g.A + (nint)(i0 + panel) * g.K + p0, g.K, r, kc, dst, mr, level);
        }
    }

    /// <summary>dst[panel][p*nr + c] = op(B)[p0 + p, j0 + panel*nr + c], zero past <paramref name="cols"/>.</summary>
    public static void PackB(in GemmOperands g, int p0, int kc, int j0, int cols, int nr, float* dst, SimdLevel level)
    {
        for (int panel = 0; panel < cols; panel += nr, dst += (nint)nr * kc)
        {
            int w = Math.Min(nr, cols - panel);
            if (g.TransB) // stored n×k
                Transpose(g.B + (nint)(j0 + panel) * g.K + p0, g.K, w, kc, dst, nr, level);
            else // stored k×n
                CopyRows(g.B + (nint)p0 * g.N + j0 + panel, g.N, kc, w, dst, nr, level);
        }
    }

    /// <summary>dst[p*width + c] = src[p*ld + c] for c &lt; count, zero for count ≤ c &lt; width.</summary>
    static void CopyRows(float* src, nint ld, int lines, int count, float* dst, int width, SimdLevel level)
    {
        for (int p = 0; p < lines; p++, src += ld, dst += width)
        {
            if (level != SimdLevel.Scalar && count >= 8) CopyVectors(src, dst, count);
            else for (int c = 0; c < count; c++) dst[c] = src[c];
            for (int c = count; c < width; c++) dst[c] = 0;
        }
    }

    /// <summary>dst[c] = src[c] for c &lt; count (at least 8), in whole vectors, the last one overlapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyVectors(float* src, float* dst, int count)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated && count >= 16)
        {
            for (; c + 16 <= count; c += 16) Vector512.Load(src + c).Store(dst + c);
            if (c < count) Vector512.Load(src + count - 16).Store(dst + count - 16);
            return;
        }
        for (; c + 8 <= count; c += 8) Vector256.Load(src + c).Store(dst + c);
        if (c < count) Vector256.Load(src + count - 8).Store(dst + count - 8);
    }

    /// <summary>dst[p*width + r] = src[r*ld + p] for r &lt; count, zero for count ≤ r &lt; width.</summary>
    static void Transpose(float* src, nint ld, int count, int lines, float* dst, int width, SimdLevel level)
    {
        int done = 0;
        if (level == SimdLevel.Avx512)
        {
            done = lines & ~15;
            for (int r0 = 0; r0 < width; r0 += 16)
                TransposeBlocks16(src + r0 * ld, ld, Math.Clamp(count - r0, 0, 16), done, dst + r0, width);
        }
        // Scalar tail (or all of it): blocks of 8 lines keep the source lines in cache.
        for (int p0 = done; p0 < lines; p0 += 8)
        {
            int pEnd = Math.Min(p0 + 8, lines);
            for (int r = 0; r < count; r++)
            {
                float* s = src + r * ld;
                for (int p = p0; p < pEnd; p++) dst[p * width + r] = s[p];
            }
            for (int p = p0; p < pEnd; p++)
                for (int r = count; r < width; r++) dst[p * width + r] = 0;
        }
    }

    /// <summary>
    /// dst[p*width + r] = src[r*ld + p] for r &lt; 16 and p &lt; lines (a multiple of 16), rows
    /// past <paramref name="rows"/> as zeros. Each store writes 16 floats, so when width &lt; 16 it
    /// spills into the next line's slot, which the next store overwrites (and into
    /// <see cref="Slack"/> after the last line).
    /// </summary>
    static void TransposeBlocks16(float* src, nint ld, int rows, int lines, float* dst, int width)
    {
        Vector512<float>* v = stackalloc Vector512<float>[16];
        for (int p0 = 0; p0 < lines; p0 += 16)
        {
            for (int r = 0; r < 16; r++) v[r] = r < rows ? Vector512.Load(src + r * ld + p0) : Vector512<float>.Zero;
            Transpose16x16(v);
            float* d = dst + (nint)p0 * width;
            for (int j = 0; j < 16; j++, d += width) v[j].Store(d);
        }
    }

    /// <summary>Transposes 16 rows of 16 floats in place: v[j][r] becomes the old v[r][j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose16x16(Vector512<float>* v)
    {
        // Interleave pairs of floats, then pairs of pairs, then 128-bit lanes twice.
        Vector512<float>* t = stackalloc Vector512<float>[16];
        for (int i = 0; i < 16; i += 2)
        {
            t[i] = Avx512F.UnpackLow(v[i], v[i + 1]);
            t[i + 1] = Avx512F.UnpackHigh(v[i], v[i + 1]);
        }
        for (int i = 0; i < 16; i += 4)
        {
            Vector512<double> t0 = t[i].AsDouble(), t1 = t[i + 1].AsDouble(), t2 = t[i + 2].AsDouble(), t3 = t[i + 3].AsDouble();
            v[i] = Avx512F.UnpackLow(t0, t2).AsSingle();
            v[i + 1] = Avx512F.UnpackHigh(t0, t2).AsSingle();
            v[i + 2] = Avx512F.UnpackLow(t1, t3).AsSingle();
            v[i + 3] = Avx512F.UnpackHigh(t1, t3).AsSingle();
        }
        for (int h = 0; h < 16; h += 8)
            for (int i = 0; i < 4; i++)
            {
                t[h + i] = Avx512F.Shuffle4x128(v[h + i], v[h + i + 4], 0x88);
                t[h + i + 4] = Avx512F.Shuffle4x128(v[h + i], v[h + i + 4], 0xDD);
            }
        for (int i = 0; i < 8; i++)
        {
            v[i] = Avx512F.Shuffle4x128(t[i], t[i + 8], 0x88);
            v[i + 8] = Avx512F.Shuffle4x128(t[i], t[i + 8], 0xDD);
        }
    }
}

/// <summary>
/// Per-thread 64-byte-aligned packing buffers, grown on demand and reused, so the steady state
/// allocates nothing. The finalizer frees them when the owning thread ends.
/// </summary>
internal sealed unsafe class GemmBuffers
{
    [ThreadStatic] static GemmBuffers? current;

    float* a, b;
    nint aLength, bLength;

    /// <summary>This thread's buffers, holding at least the given number of floats each (plus <see cref="GemmPacking.Slack"/>).</summary>
    public static GemmBuffers ForThisThread(nint aFloats, nint bFloats)
    {
        var buffers = current ??= new GemmBuffers();
        buffers.Grow(ref buffers.a, ref buffers.aLength, aFloats + GemmPacking.Slack);
        buffers.Grow(ref buffers.b, ref buffers.bLength, bFloats + GemmPacking.Slack);
        return buffers;
    }

    public float* A => a;
    public float* B => b;

    void Grow(ref float* buffer, ref nint length, nint floats)
    {
        if (floats <= length) return;
        NativeMemory.AlignedFree(buffer);
        buffer = null;
        length = 0;
        buffer = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
        length = floats;
    }

    ~GemmBuffers()
    {
        NativeMemory.AlignedFree(a);
        NativeMemory.AlignedFree(b);
    }
}
