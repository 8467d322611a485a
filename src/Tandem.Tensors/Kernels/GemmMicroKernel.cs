namespace Tandem.Tensors.Kernels;

/// <summary>
/// A register-tiled inner kernel of the blocked GEMM: one Mr×Nr tile of C from an Mr-row
/// panel of packed A and an Nr-column panel of packed B. Static abstract so the driver is
/// specialised per kernel and Mr/Nr fold to constants.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>The instruction set the kernel needs; packing may use it too.</summary>
    static abstract SimdLevel Level { get; }

    /// <summary>Rows of C per tile.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of C per tile.</summary>
    static abstract int Nr { get; }

    /// <summary>Depth of a packed block (tuned: a deeper slice means fewer passes over C).</summary>
    static abstract int Kc { get; }

    /// <summary>Rows of a packed A block (a multiple of Mr): Mc×Kc should sit in L2.</summary>
    static abstract int Mc { get; }

    /// <summary>Columns of a packed B block (a multiple of Nr): Kc×Nc should sit in L3.</summary>
    static abstract int Nc { get; }

    /// <summary>
    /// <c>c[i*ldc + j] = alpha * Σ_p a[p*Mr + i] * b[p*Nr + j]</c> (<c>+ c[i*ldc + j]</c> when
    /// <paramref name="add"/>) for i &lt; <paramref name="rows"/> ≤ Mr, j &lt; <paramref name="cols"/> ≤ Nr.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, nint ldc, int rows, int cols, float alpha, bool add);

    /// <summary>
    /// As <see cref="Run"/> for a whole Mr-row tile, reading A unpacked: <c>A[i, p] = a[i*lda + p]</c>.
    /// </summary>
    static abstract void RunDirect(int kc, float* a, nint lda, float* b, float* c, nint ldc, int cols, float alpha, bool add);
}

/// <summary>Plain scalar 4×4 kernel: runs everywhere and anchors the SIMD kernels in tests.</summary>
internal readonly unsafe struct ScalarMicroKernel : IGemmMicroKernel
{
    public static SimdLevel Level => SimdLevel.Scalar;
    public static int Mr => 4;
    public static int Nr => 4;
    public static int Kc => 256;
    public static int Mc => 64;
    public static int Nc => 1024;

    public static void Run(int kc, float* a, float* b, float* c, nint ldc, int rows, int cols, float alpha, bool add)
    {
        float* acc = stackalloc float[16];
        for (int p = 0; p < kc; p++, a += 4, b += 4)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    acc[i * 4 + j] += a[i] * b[j];
        for (int i = 0; i < 16; i++) acc[i] *= alpha;
        GemmTile.CopyOut(acc, 4, c, ldc, rows, cols, add);
    }

    public static void RunDirect(int kc, float* a, nint lda, float* b, float* c, nint ldc, int cols, float alpha, bool add)
    {
        float* acc = stackalloc float[16];
        for (int p = 0; p < kc; p++, b += 4)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    acc[i * 4 + j] += a[i * lda + p] * b[j];
        for (int i = 0; i < 16; i++) acc[i] *= alpha;
        GemmTile.CopyOut(acc, 4, c, ldc, 4, cols, add);
    }
}

/// <summary>The edge store shared by the kernels.</summary>
internal static unsafe class GemmTile
{
    /// <summary><c>c[i*ldc + j] = tile[i*ldTile + j]</c> (+ c when <paramref name="add"/>) for i &lt; rows, j &lt; cols.</summary>
    public static void CopyOut(float* tile, nint ldTile, float* c, nint ldc, int rows, int cols, bool add)
    {
        for (int i = 0; i < rows; i++, tile += ldTile, c += ldc)
            for (int j = 0; j < cols; j++)
                c[j] = add ? tile[j] + c[j] : tile[j];
    }
}
