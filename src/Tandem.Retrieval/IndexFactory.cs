using System.Globalization;
using Tandem.Retrieval.Ivf;

namespace Tandem.Retrieval;

/// <summary>
/// Builds empty indexes from FAISS-style strings: <c>Flat</c>, <c>HNSW32</c>, <c>HNSW32,efC200</c>,
/// <c>IVF1024,Flat</c>, <c>IVF1024,PQ16</c>, <c>IVF1024,PQ32x4fs</c> (4-bit fast-scan), <c>IVF1024,PQ16,Refine</c>, <c>IVF1024,PQ32x4fs,Refine16</c> (shortlist 16·K). Each token has one small parser;
/// an unparsable string is an <see cref="ArgumentException"/> that quotes it.
/// </summary>
public static class IndexFactory
{
    /// <summary>An empty index described by <paramref name="spec"/> for <paramref name="dimension"/>-vectors.</summary>
    /// <exception cref="TandemException">The spec cannot be parsed or does not fit the dimension.</exception>
    public static VectorIndex Create(string spec, int dimension, Metric metric = Metric.InnerProduct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (dimension <= 0) RetrievalThrow.Input($"Index dimension must be positive, got {dimension}.");
        var tokens = spec.Split(',', StringSplitOptions.TrimEntries);
        // Refine, or Refine<k>: re-rank a shortlist of k·K (default 4·K) with exact vectors.
        bool refine = tokens.Length > 1 && tokens[^1].StartsWith("Refine", StringComparison.Ordinal);
        int kFactor = refine && tokens[^1].Length > "Refine".Length ? Number(spec, tokens[^1], "Refine", 1, 1024) : 4;
        if (refine) tokens = tokens[..^1];
        var index = tokens[0] switch
        {
            "Flat" when tokens.Length == 1 => new FlatIndex(dimension, metric),
            var t when t.StartsWith("HNSW", StringComparison.Ordinal) => Hnsw(spec, tokens, dimension, metric),
            var t when t.StartsWith("IVF", StringComparison.Ordinal) => Ivf(spec, tokens, dimension, metric),
            _ => (VectorIndex)RetrievalThrow.BadSpec(spec, $"unknown token '{tokens[0]}'" + (tokens[0] == "Flat" ? " followed by more tokens" : "")),
        };
        return refine ? new RefineIndex(index, kFactor) : index;
    }

    static VectorIndex Hnsw(string spec, string[] tokens, int dimension, Metric metric)
    {
        int m = Number(spec, tokens[0], "HNSW", 2, 1024);
        int efConstruction = 40, efSearch = 16;
        foreach (string token in tokens.Skip(1))
        {
            if (token.StartsWith("efC", StringComparison.Ordinal)) efConstruction = Number(spec, token, "efC", 1, 1 << 20);
            else if (token.StartsWith("efS", StringComparison.Ordinal)) efSearch = Number(spec, token, "efS", 1, 1 << 20);
            else RetrievalThrow.BadSpec(spec, $"unknown HNSW option '{token}' (use efC<n> or efS<n>)");
        }
        return new HnswIndex(dimension, metric, m, efConstruction, efSearch);
    }

    static VectorIndex Ivf(string spec, string[] tokens, int dimension, Metric metric)
    {
        int lists = Number(spec, tokens[0], "IVF", 1, 1 << 24);
        if (tokens.Length != 2) RetrievalThrow.BadSpec(spec, "IVF needs exactly one storage token after it, Flat, PQ<m> or PQ<m>x4fs");
        var storage = ListStorage.Parse(tokens[1], dimension, out string? error);
        return storage is null ? (VectorIndex)RetrievalThrow.BadSpec(spec, error!) : IvfIndex.Create(dimension, lists, storage, metric);
    }

    /// <summary>The number after <paramref name="prefix"/> in <paramref name="token"/>, within bounds.</summary>
    static int Number(string spec, string token, string prefix, int min, int max)
    {
        if (!int.TryParse(token.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            RetrievalThrow.BadSpec(spec, $"'{token}' needs a whole number {min}..{max} after {prefix}");
        return value;
    }
}
