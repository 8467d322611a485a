namespace Tandem.Retrieval;

/// <summary>
/// One interface for every index (FAISS <c>Index.h</c>): vectors are batches of row-major
/// <c>n × Dimension</c> floats, outputs are caller-allocated <c>n × k</c> arrays, and results
/// short of K are padded with id -1. Each implementation states its thread-safety contract.
/// </summary>
public interface IVectorIndex : IDisposable
{
    /// <summary>Length of every vector.</summary>
    int Dimension { get; }

    /// <summary>How queries and items are compared.</summary>
    Metric Metric { get; }

    /// <summary>Number of live (not removed) items.</summary>
    long Count { get; }

    /// <summary>False until <see cref="Train"/> has run for indexes that need it; true for those that do not.</summary>
    bool IsTrained { get; }

    /// <summary>The factory string that builds an empty index of this kind, e.g. <c>HNSW32,efC200</c>.</summary>
    string Spec { get; }

    /// <summary>Learns the index's structure (centroids, codebooks) from a sample of vectors; a no-op where nothing is learned.</summary>
    /// <exception cref="TandemException">The span is empty.</exception>
    /// <exception cref="ArgumentException">The span is not a whole number of vectors.</exception>
    void Train(ReadOnlySpan<float> vectors);

    /// <summary>Adds vectors with caller-chosen ids (non-negative; -1 is the padding id).</summary>
    /// <exception cref="ArgumentException">Lengths disagree.</exception>
    /// <exception cref="TandemException">An id is negative.</exception>
    /// <exception cref="InvalidOperationException">The index needs training first.</exception>
    void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids);

    /// <summary>
    /// For each query the best <paramref name="k"/> items, best first: <c>scores[q*k + j]</c> and
    /// <c>ids[q*k + j]</c>; missing results have id -1 and score -inf (inner product, cosine) or +inf (L2).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree or <paramref name="k"/> is not positive.</exception>
    void Search(ReadOnlySpan<float> queries, int k, Span<float> scores, Span<long> ids, SearchOptions options = default);

    /// <summary>Removes every item whose id is listed; returns how many were removed.</summary>
    long Remove(ReadOnlySpan<long> ids);
}
