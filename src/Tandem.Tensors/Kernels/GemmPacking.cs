using System.Runtime.InteropServices;

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
/// consecutive columns), zero-padded to whole panels. Packing absorbs the transposes.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>dst[panel][p*mr + r] = op(A)[i0 + panel*mr + r, p0 + p], zero past <paramref name="rows"/>.</summary>
    public static void PackA(in GemmOperands g, int i0, int rows, int p0, int kc, int mr, float* dst)
    {
        for (int panel = 0; panel < rows; panel += mr, dst += (nint)mr * kc)
        {
            int r = Math.Min(mr, rows - panel);
            if (g.TransA) // stored k×m: each p holds the panel's rows contiguously
                CopyRows(g.A + (nint)p0 * g.M + i0 + panel, g.M, kc, r, dst, mr);
            else // stored m×k: each row holds the panel's p contiguously
                Transpose(g.A + (nint)(i0 + panel) * g.K + p0, g.K, r, kc, dst, mr);
        }
    }

    /// <summary>dst[panel][p*nr + c] = op(B)[p0 + p, j0 + panel*nr + c], zero past <paramref name="cols"/>.</summary>
    public static void PackB(in GemmOperands g, int p0, int kc, int j0, int cols, int nr, float* dst)
    {
        for (int panel = 0; panel < cols; panel += nr, dst += (nint)nr * kc)
        {
            int w = Math.Min(nr, cols - panel);
            if (g.TransB) // stored n×k
                Transpose(g.B + (nint)(j0 + panel) * g.K + p0, g.K, w, kc, dst, nr);
            else // stored k×n
                CopyRows(g.B + (nint)p0 * g.N + j0 + panel, g.N, kc, w, dst, nr);
        }
    }

    /// <summary>dst[p*width + c] = src[p*ld + c] for c &lt; count, zero for count ≤ c &lt; width.</summary>
    static void CopyRows(float* src, nint ld, int lines, int count, float* dst, int width)
    {
        nint bytes = count * sizeof(float);
        for (int p = 0; p < lines; p++, src += ld, dst += width)
        {
            Buffer.MemoryCopy(src, dst, bytes, bytes);
            for (int c = count; c < width; c++) dst[c] = 0;
        }
    }

    /// <summary>dst[p*width + r] = src[r*ld + p] for r &lt; count, zero for count ≤ r &lt; width.</summary>
    static void Transpose(float* src, nint ld, int count, int lines, float* dst, int width)
    {
        // Blocks of 8 lines keep the source rows' cache lines live while they are read down.
        for (int p0 = 0; p0 < lines; p0 += 8)
        {
            int pEnd = Math.Min(p0 + 8, lines);
            for (int r = 0; r < count; r++)
            {
                float* s = src + r * ld;
                for (int p = p0; p < pEnd; p++) dst[p * width + r] = s[p];
            }
        }
        if (count < width)
            for (int p = 0; p < lines; p++)
                for (int r = count; r < width; r++) dst[p * width + r] = 0;
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

    /// <summary>This thread's buffers, holding at least the given number of floats each.</summary>
    public static GemmBuffers ForThisThread(nint aFloats, nint bFloats)
    {
        var buffers = current ??= new GemmBuffers();
        buffers.Grow(ref buffers.a, ref buffers.aLength, aFloats);
        buffers.Grow(ref buffers.b, ref buffers.bLength, bFloats);
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
