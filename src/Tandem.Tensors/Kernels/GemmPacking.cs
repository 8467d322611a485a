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
        if (g.TransA) // stored k×m: each p holds the panels' rows contiguously
            PackPanels(g.A + (nint)p0 * g.M + i0, g.M, true, rows, kc, dst, mr, level);
        else // stored m×k: each row holds its p contiguously
            PackPanels(g.A + (nint)i0 * g.K + p0, g.K, false, rows, kc, dst, mr, level);
    }

    /// <summary>dst[panel][p*nr + c] = op(B)[p0 + p, j0 + panel*nr + c], zero past <paramref name="cols"/>.</summary>
    public static void PackB(in GemmOperands g, int p0, int kc, int j0, int cols, int nr, float* dst, SimdLevel level)
    {
        if (g.TransB) // stored n×k
            PackPanels(g.B + (nint)j0 * g.K + p0, g.K, false, cols, kc, dst, nr, level);
        else // stored k×n
            PackPanels(g.B + (nint)p0 * g.N + j0, g.N, true, cols, kc, dst, nr, level);
    }

    /// <summary>
    /// dst[panel][p*width + c] = X[p, panel*width + c] for p &lt; lines, zero past <paramref name="count"/>,
    /// where X[p, c] is src[p*ld + c] when <paramref name="alongPanels"/>, else src[c*ld + p].
    /// </summary>
    static void PackPanels(float* src, nint ld, bool alongPanels, int count, int lines, float* dst, int width, SimdLevel level)
    {
        if (!alongPanels)
        {
            for (int panel = 0; panel < count; panel += width)
                Transpose(src + panel * ld, ld, Math.Min(width, count - panel), lines, dst + (nint)panel * lines, width, level);
            return;
        }
        // A few lines at a time across all panels: each source line is read in one sweep rather
        // than once per panel, a page (or two) apart each time when lines are long.
        const int Lines = 16;
        for (int p0 = 0; p0 < lines; p0 += Lines)
            for (int panel = 0; panel < count; panel += width)
                CopyRows(src + p0 * ld + panel, ld, Math.Min(Lines, lines - p0), Math.Min(width, count - panel),
                    dst + (nint)panel * lines + (nint)p0 * width, width, level);
    }

    /// <summary>dst[p*width + c] = src[p*ld + c] for c &lt; count, zero for count ≤ c &lt; width.</summary>
    static void CopyRows(float* src, nint ld, int lines, int count, float* dst, int width, SimdLevel level)
    {
        for (int p = 0; p < lines; p++, src += ld, dst += width)
        {
            if (level >= SimdLevel.Avx2 && count >= 8) CopyVectors(src, dst, count);
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
        // The 16×16 block stays in 32 named registers (the JIT keeps only locals in registers).
        for (int p0 = 0; p0 < lines; p0 += 16)
        {
            var v0 = Row(src, ld, 0, rows, p0); var v1 = Row(src, ld, 1, rows, p0); var v2 = Row(src, ld, 2, rows, p0); var v3 = Row(src, ld, 3, rows, p0);
            var v4 = Row(src, ld, 4, rows, p0); var v5 = Row(src, ld, 5, rows, p0); var v6 = Row(src, ld, 6, rows, p0); var v7 = Row(src, ld, 7, rows, p0);
            var v8 = Row(src, ld, 8, rows, p0); var v9 = Row(src, ld, 9, rows, p0); var v10 = Row(src, ld, 10, rows, p0); var v11 = Row(src, ld, 11, rows, p0);
            var v12 = Row(src, ld, 12, rows, p0); var v13 = Row(src, ld, 13, rows, p0); var v14 = Row(src, ld, 14, rows, p0); var v15 = Row(src, ld, 15, rows, p0);
            // Interleave pairs of floats, then pairs of pairs, then 128-bit lanes twice.
            var t0 = Avx512F.UnpackLow(v0, v1); var t1 = Avx512F.UnpackHigh(v0, v1);
            var t2 = Avx512F.UnpackLow(v2, v3); var t3 = Avx512F.UnpackHigh(v2, v3);
            var t4 = Avx512F.UnpackLow(v4, v5); var t5 = Avx512F.UnpackHigh(v4, v5);
            var t6 = Avx512F.UnpackLow(v6, v7); var t7 = Avx512F.UnpackHigh(v6, v7);
            var t8 = Avx512F.UnpackLow(v8, v9); var t9 = Avx512F.UnpackHigh(v8, v9);
            var t10 = Avx512F.UnpackLow(v10, v11); var t11 = Avx512F.UnpackHigh(v10, v11);
            var t12 = Avx512F.UnpackLow(v12, v13); var t13 = Avx512F.UnpackHigh(v12, v13);
            var t14 = Avx512F.UnpackLow(v14, v15); var t15 = Avx512F.UnpackHigh(v14, v15);
            v0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle(); v1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
            v2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle(); v3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
            v4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle(); v5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
            v6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle(); v7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
            v8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle(); v9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
            v10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle(); v11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
            v12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle(); v13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
            v14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle(); v15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();
            t0 = Avx512F.Shuffle4x128(v0, v4, 0x88); t4 = Avx512F.Shuffle4x128(v0, v4, 0xDD);
            t1 = Avx512F.Shuffle4x128(v1, v5, 0x88); t5 = Avx512F.Shuffle4x128(v1, v5, 0xDD);
            t2 = Avx512F.Shuffle4x128(v2, v6, 0x88); t6 = Avx512F.Shuffle4x128(v2, v6, 0xDD);
            t3 = Avx512F.Shuffle4x128(v3, v7, 0x88); t7 = Avx512F.Shuffle4x128(v3, v7, 0xDD);
            t8 = Avx512F.Shuffle4x128(v8, v12, 0x88); t12 = Avx512F.Shuffle4x128(v8, v12, 0xDD);
            t9 = Avx512F.Shuffle4x128(v9, v13, 0x88); t13 = Avx512F.Shuffle4x128(v9, v13, 0xDD);
            t10 = Avx512F.Shuffle4x128(v10, v14, 0x88); t14 = Avx512F.Shuffle4x128(v10, v14, 0xDD);
            t11 = Avx512F.Shuffle4x128(v11, v15, 0x88); t15 = Avx512F.Shuffle4x128(v11, v15, 0xDD);
            v0 = Avx512F.Shuffle4x128(t0, t8, 0x88); v8 = Avx512F.Shuffle4x128(t0, t8, 0xDD);
            v1 = Avx512F.Shuffle4x128(t1, t9, 0x88); v9 = Avx512F.Shuffle4x128(t1, t9, 0xDD);
            v2 = Avx512F.Shuffle4x128(t2, t10, 0x88); v10 = Avx512F.Shuffle4x128(t2, t10, 0xDD);
            v3 = Avx512F.Shuffle4x128(t3, t11, 0x88); v11 = Avx512F.Shuffle4x128(t3, t11, 0xDD);
            v4 = Avx512F.Shuffle4x128(t4, t12, 0x88); v12 = Avx512F.Shuffle4x128(t4, t12, 0xDD);
            v5 = Avx512F.Shuffle4x128(t5, t13, 0x88); v13 = Avx512F.Shuffle4x128(t5, t13, 0xDD);
            v6 = Avx512F.Shuffle4x128(t6, t14, 0x88); v14 = Avx512F.Shuffle4x128(t6, t14, 0xDD);
            v7 = Avx512F.Shuffle4x128(t7, t15, 0x88); v15 = Avx512F.Shuffle4x128(t7, t15, 0xDD);
            // In order: with width < 16 each store spills into the next line's slot.
            float* d = dst + (nint)p0 * width;
            v0.Store(d); v1.Store(d + 1 * width); v2.Store(d + 2 * width); v3.Store(d + 3 * width);
            v4.Store(d + 4 * width); v5.Store(d + 5 * width); v6.Store(d + 6 * width); v7.Store(d + 7 * width);
            v8.Store(d + 8 * width); v9.Store(d + 9 * width); v10.Store(d + 10 * width); v11.Store(d + 11 * width);
            v12.Store(d + 12 * width); v13.Store(d + 13 * width); v14.Store(d + 14 * width); v15.Store(d + 15 * width);
        }
    }

    /// <summary>The 16 floats of row <paramref name="r"/> from column <paramref name="p0"/>, or zeros past <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Row(float* src, nint ld, int r, int rows, int p0)
        => r < rows ? Vector512.Load(src + r * ld + p0) : Vector512<float>.Zero;
}

/// <summary>
/// Per-thread (or per-team) 64-byte-aligned packing buffers, grown on demand and reused, so the steady state
/// allocates nothing. The finalizer frees them when the owning thread ends.
/// </summary>
internal sealed unsafe class GemmBuffers
{
    [ThreadStatic] static GemmBuffers? current;

    float* a, b;
    nint aLength, bLength;

    /// <summary>
    /// Buffers shared by the members of a <see cref="Workers.RunTeam"/> team: only the team
    /// holding the pool uses them, so they need no lock.
    /// </summary>
    public static readonly GemmBuffers Team = new();

    /// <summary>This thread's buffers, holding at least the given number of floats each (plus <see cref="GemmPacking.Slack"/>).</summary>
    public static GemmBuffers ForThisThread(nint aFloats, nint bFloats)
    {
        var buffers = current ??= new GemmBuffers();
        buffers.Reserve(aFloats, bFloats);
        return buffers;
    }

    /// <summary>Grows the buffers to hold at least the given number of floats each (plus <see cref="GemmPacking.Slack"/>).</summary>
    public void Reserve(nint aFloats, nint bFloats)
    {
        Grow(ref a, ref aLength, aFloats + GemmPacking.Slack);
        Grow(ref b, ref bLength, bFloats + GemmPacking.Slack);
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
