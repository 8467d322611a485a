using System.Numerics.Tensors;

namespace Tandem.Retrieval;

/// <summary>
/// Product quantisation (Jégou et al.): a vector is cut into <see cref="SubQuantizers"/> sub-vectors,
/// each replaced by the number of its nearest of <see cref="CodebookSize"/> learned centroids (256 for
/// 8-bit codes, 16 for the 4-bit codes fast-scan packs two to a byte). Distances to a query are
/// sums of per-query lookup tables (asymmetric distance computation).
/// </summary>
public sealed class ProductQuantizer
{
    float[] codebooks;

    /// <summary>An untrained quantiser of <paramref name="dimension"/>-vectors into <paramref name="subQuantizers"/> codes of <paramref name="bits"/> bits (4 or 8).</summary>
    /// <exception cref="TandemException">The dimension is not a multiple of the sub-quantiser count, or the bit count is not 4 or 8.</exception>
    public ProductQuantizer(int dimension, int subQuantizers, int bits = 8)
    {
        if (subQuantizers <= 0 || dimension % subQuantizers != 0)
            RetrievalThrow.Input($"PQ{subQuantizers} needs the dimension ({dimension}) to be a multiple of the sub-quantiser count.");
        if (bits is not (4 or 8)) RetrievalThrow.Input($"PQ codes have 4 or 8 bits, not {bits}.");
        Dimension = dimension;
        SubQuantizers = subQuantizers;
        Bits = bits;
        codebooks = [];
    }

    /// <summary>Bits per sub-quantiser code.</summary>
    public int Bits { get; }

    /// <summary>Centroids per sub-quantiser: 2^<see cref="Bits"/>.</summary>
    public int CodebookSize => 1 << Bits;

    /// <summary>Vector length.</summary>
    public int Dimension { get; }

    /// <summary>Codes per vector, one per sub-vector.</summary>
    public int SubQuantizers { get; }

    /// <summary>Length of each sub-vector.</summary>
    public int SubDimension => Dimension / SubQuantizers;

    /// <summary>True once codebooks exist.</summary>
    public bool IsTrained => codebooks.Length > 0;

    /// <summary>Codebooks, sub-quantiser-major: <c>[m][CodebookSize][SubDimension]</c>.</summary>
    internal ReadOnlySpan<float> Codebooks => codebooks;

    /// <summary>Learns each sub-quantiser's <see cref="CodebookSize"/> centroids by k-means on its slice of <paramref name="data"/>.</summary>
    /// <exception cref="TandemException">Fewer training vectors than <see cref="CodebookSize"/>.</exception>
    public void Train(ReadOnlySpan<float> data, int seed = 1234)
    {
        int n = data.Length / Dimension, ds = SubDimension;
        int size = CodebookSize;
        var books = new float[SubQuantizers * size * ds];
        var slice = new float[(long)n * ds];
        for (int m = 0; m < SubQuantizers; m++)
        {
            for (int i = 0; i < n; i++) data.Slice(i * Dimension + m * ds, ds).CopyTo(slice.AsSpan(i * ds, ds));
            var centroids = KMeans.Train(slice, ds, size, new KMeansOptions { Seed = seed + m, Iterations = 20 });
            centroids.CopyTo(books.AsSpan(m * size * ds));
        }
        codebooks = books;
        centroidNorms = null;
        columnBooks = null;
    }

    internal void SetCodebooks(float[] books)
    {
        System.Diagnostics.Debug.Assert(books.Length == SubQuantizers * CodebookSize * SubDimension);
        codebooks = books;
        centroidNorms = null;
        columnBooks = null;
    }

    /// <summary>Writes the code (one byte per sub-quantiser, below <see cref="CodebookSize"/>) of each vector; the nearest centroid of each slice, found in parallel blocks.</summary>
    public void Encode(ReadOnlySpan<float> vectors, Span<byte> codes)
    {
        int n = vectors.Length / Dimension, ds = SubDimension;
        var slice = new float[(long)n * ds];
        var nearest = new int[n];
        for (int m = 0; m < SubQuantizers; m++)
        {
            for (int i = 0; i < n; i++) vectors.Slice(i * Dimension + m * ds, ds).CopyTo(slice.AsSpan(i * ds, ds));
            KMeans.Assign(slice, codebooks.AsSpan(m * CodebookSize * ds, CodebookSize * ds), ds, nearest);
            for (int i = 0; i < n; i++) codes[i * SubQuantizers + m] = (byte)nearest[i];
        }
    }

    /// <summary>The approximate vector a code stands for.</summary>
    public void Decode(ReadOnlySpan<byte> code, Span<float> vector)
    {
        int ds = SubDimension;
        for (int m = 0; m < SubQuantizers; m++)
            codebooks.AsSpan((m * CodebookSize + code[m]) * ds, ds).CopyTo(vector.Slice(m * ds, ds));
    }

    /// <summary><c>table[m*CodebookSize + c] = -query_m · centroid_{m,c}</c>: summed over a code, minus the inner product.</summary>
    public unsafe void InnerProductTable(ReadOnlySpan<float> query, Span<float> table)
    {
        int ds = SubDimension, size = CodebookSize;
        // Sub-vectors are short (4 floats for 64-d, 16 codes), so a dot per centroid is mostly overhead:
        // over column-major codebooks each sub-quantiser's 256 products are wide FMA rows per sub-dimension.
        fixed (float* q = query, columns = ColumnBooks(), t = table)
            for (int m = 0; m < SubQuantizers; m++)
                Kernels.TransposedDot.Compute(q + m * ds, columns + m * ds * size, ds, size, size, t + m * size, Tandem.Tensors.Simd.Best);
        TensorPrimitives.Negate(table[..(SubQuantizers * size)], table);
    }

    /// <summary><c>table[m*CodebookSize + c] = ‖query_m - centroid_{m,c}‖²</c>: summed over a code, the squared L2 distance.</summary>
    public void L2Table(ReadOnlySpan<float> query, Span<float> table)
    {
        // ‖q - c‖² = ‖c‖² - 2 q·c + ‖q‖², from the inner-product table and cached centroid norms.
        InnerProductTable(query, table);
        var norms = CentroidNorms();
        int ds = SubDimension, size = CodebookSize;
        for (int m = 0; m < SubQuantizers; m++)
        {
            var sub = query.Slice(m * ds, ds);
            float queryNorm = TensorPrimitives.Dot(sub, sub);
            var row = table.Slice(m * size, size);
            for (int c = 0; c < size; c++) row[c] = Math.Max(0, 2 * row[c] + norms[m * size + c] + queryNorm);
        }
    }

    float[]? centroidNorms, columnBooks;

    /// <summary>Each sub-quantiser's codebook transposed: <c>SubDimension</c> rows of <see cref="CodebookSize"/> centroid coordinates.</summary>
    float[] ColumnBooks()
    {
        if (columnBooks is { } cached) return cached;
        int ds = SubDimension, block = ds * CodebookSize;
        var columns = new float[SubQuantizers * block];
        for (int m = 0; m < SubQuantizers; m++)
            Kernels.TransposedDot.Transpose(codebooks.AsSpan(m * block, block), CodebookSize, ds, out _).CopyTo(columns, m * block);
        return columnBooks = columns;
    }

    float[] CentroidNorms()
    {
        if (centroidNorms is { } cached) return cached;
        int ds = SubDimension;
        var norms = new float[SubQuantizers * CodebookSize];
        for (int i = 0; i < norms.Length; i++) norms[i] = TensorPrimitives.Dot(codebooks.AsSpan(i * ds, ds), codebooks.AsSpan(i * ds, ds));
        return centroidNorms = norms;
    }
}
