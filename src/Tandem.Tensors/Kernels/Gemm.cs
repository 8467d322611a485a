namespace Tandem.Tensors.Kernels;

/// <summary>Single-precision matrix multiply on row-major matrices.</summary>
public static class Gemm
{
    /// <summary>
    /// <c>C = alpha · op(A) · op(B)</c>, or <c>C += ...</c> when <paramref name="accumulate"/>,
    /// where op(A) is m×k and op(B) is k×n. A is stored m×k (k×m when <paramref name="transA"/>),
    /// B is stored k×n (n×k when <paramref name="transB"/>), C is m×n.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k, bool transA = false, bool transB = false, float alpha = 1f, bool accumulate = false)
    {
        Validate(a.Length, b.Length, c.Length, m, n, k);
        // Placeholder reference loop; the blocked SIMD kernel replaces it.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = alpha * sum + (accumulate ? c[i * n + j] : 0);
            }
    }

    /// <summary>The same product on 2-D tensors, with m, n and k taken from their shapes.</summary>
    /// <exception cref="ArgumentException">The shapes do not agree.</exception>
    public static void Multiply(Tensor a, Tensor b, Tensor c, bool transA = false, bool transB = false, float alpha = 1f, bool accumulate = false)
    {
        if (a.Rank != 2 || b.Rank != 2 || c.Rank != 2)
            throw new ArgumentException($"Gemm needs matrices, got {a}, {b} and {c}.");
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb || c.Shape[0] != m || c.Shape[1] != n)
            throw new ArgumentException($"Gemm shapes disagree: op(A) is {m}x{k}, op(B) is {kb}x{n}, C is {c.Shape[0]}x{c.Shape[1]}.");
        Multiply(a.Span, b.Span, c.Span, m, n, k, transA, transB, alpha, accumulate);
    }

    static void Validate(int aLength, int bLength, int cLength, int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm dimensions must be non-negative, got m={m}, n={n}, k={k}.");
        if (aLength < (long)m * k) throw new ArgumentException($"A holds {aLength} values, fewer than m*k = {(long)m * k}.");
        if (bLength < (long)k * n) throw new ArgumentException($"B holds {bLength} values, fewer than k*n = {(long)k * n}.");
        if (cLength < (long)m * n) throw new ArgumentException($"C holds {cLength} values, fewer than m*n = {(long)m * n}.");
    }
}
