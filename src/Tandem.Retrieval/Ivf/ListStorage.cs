using Tandem.Retrieval.Persistence;
using Tandem.Tensors;

namespace Tandem.Retrieval.Ivf;

/// <summary>
/// How vectors are stored inside IVF lists (FAISS composes structure over storage the same way):
/// what a code is, how it is learned, and how a query scores a run of codes.
/// </summary>
internal abstract class ListStorage
{
    /// <summary>Bytes per stored vector.</summary>
    public abstract int CodeSize { get; }

    /// <summary>The factory token, e.g. <c>Flat</c> or <c>PQ16</c>.</summary>
    public abstract string Token { get; }

    /// <summary>True once the storage can encode.</summary>
    public abstract bool IsTrained { get; }

    /// <summary>True when codes hold the vector minus its list's centroid.</summary>
    public abstract bool ByResidual { get; }

    /// <summary>Learns from vectors (residuals when <see cref="ByResidual"/>).</summary>
    public abstract void Train(ReadOnlySpan<float> vectors, int seed);

    /// <summary>Encodes vectors (residuals when <see cref="ByResidual"/>) into <see cref="CodeSize"/> bytes each.</summary>
    public abstract void Encode(ReadOnlySpan<float> vectors, Span<byte> codes);

    /// <summary>A scanner for one thread.</summary>
    public abstract ListScanner Scanner(Metric metric);

    /// <summary>Writes learned parameters.</summary>
    public abstract void Write(IndexWriter writer);

    /// <summary>Reads parameters written by <see cref="Write"/>.</summary>
    public abstract void Read(IndexReader reader);

    /// <summary>The storage a factory token names (<c>Flat</c>, <c>PQ{m}</c>, <c>PQ{m}x4fs</c>), or null with the reason.</summary>
    public static ListStorage? Parse(string token, int dimension, out string? error)
    {
        error = null;
        if (token == "Flat") return new FlatStorage(dimension);
        bool fastScan = token.EndsWith("x4fs", StringComparison.Ordinal);
        int end = token.Length - (fastScan ? 4 : 0);
        if (!token.StartsWith("PQ", StringComparison.Ordinal) || end < 2 || !int.TryParse(token.AsSpan(2, end - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int m) || m < 1 || m > dimension)
        {
            error = $"unknown IVF storage '{token}' (use Flat, PQ<m> or PQ<m>x4fs)";
            return null;
        }
        if (dimension % m != 0) error = $"{token} needs the dimension {dimension} to be a multiple of {m}";
        else if (fastScan && m % 2 != 0) error = $"{token} needs an even sub-quantiser count (two 4-bit codes to a byte)";
        else return fastScan ? new FastScanStorage(dimension, m) : new PqStorage(dimension, m);
        return null;
    }
}

/// <summary>Scores codes against one query; one instance per thread.</summary>
internal abstract class ListScanner
{
    /// <summary>Starts a query.</summary>
    public abstract void SetQuery(ReadOnlySpan<float> query);

    /// <summary>Starts a list whose centroid is <paramref name="centroid"/> at internal distance <paramref name="coarseDistance"/> from the query.</summary>
    public abstract void SetList(ReadOnlySpan<float> centroid, float coarseDistance);

    /// <summary>Pushes each allowed code's distance in <paramref name="list"/> into <paramref name="heap"/>.</summary>
    public abstract void Scan(InvertedList list, TopK<long> heap, IdFilter? filter);
}
