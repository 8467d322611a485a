using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Tensors;

namespace Tandem.Retrieval;

/// <summary>
/// Base of every index: validates each public call once at its entry, normalises vectors for
/// <see cref="Metric.Cosine"/>, converts internal distances to scores and pads short results,
/// so each index implements only its core. Persistence goes through <see cref="IndexFile"/>.
/// </summary>
public abstract class VectorIndex : IVectorIndex
{
    IDisposable? keepAlive;

    /// <summary>An empty index of vectors of length <paramref name="dimension"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not positive.</exception>
    protected VectorIndex(int dimension, Metric metric)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Dimension = dimension;
        Metric = metric;
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public Metric Metric { get; }

    /// <inheritdoc/>
    public abstract long Count { get; }

    /// <inheritdoc/>
    public virtual bool IsTrained => true;

    /// <inheritdoc/>
    public abstract string Spec { get; }

    /// <summary>The tag naming this kind of index in files.</summary>
    internal abstract string Kind { get; }

    /// <summary>The metric the index's internal storage compares with: cosine is stored normalised and compared by inner product.</summary>
    internal Metric StorageMetric => Metric == Metric.Cosine ? Metric.InnerProduct : Metric;

    /// <inheritdoc/>
    public void Train(ReadOnlySpan<float> vectors)
    {
        int n = Rows(vectors, "training vectors");
        if (n == 0) RetrievalThrow.Input("Training needs at least one vector.");
        TrainCore(Prepared(vectors, out var rented), n);
        rented?.Dispose();
    }

    /// <inheritdoc/>
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        int n = Rows(vectors, "vectors");
        if (ids.Length != n) RetrievalThrow.Argument($"Add got {n} vectors but {ids.Length} ids; pass one id per vector.");
        foreach (long id in ids)
            if (id < 0) RetrievalThrow.Input($"Id {id} is negative; ids must be >= 0 (-1 pads missing results).");
        if (!IsTrained) RetrievalThrow.InvalidOperation($"The {Spec} index must be trained before adding vectors; call Train first.");
        if (n == 0) return;
        AddCore(Prepared(vectors, out var rented), ids);
        rented?.Dispose();
    }

    /// <inheritdoc/>
    public void Search(ReadOnlySpan<float> queries, int k, Span<float> scores, Span<long> ids, SearchOptions options = default)
    {
        int n = Rows(queries, "queries");
        if (k <= 0) RetrievalThrow.Argument($"k must be positive, got {k}.");
        if (scores.Length < (long)n * k || ids.Length < (long)n * k)
            RetrievalThrow.Argument($"Search of {n} queries for k={k} needs {(long)n * k} scores and ids, got {scores.Length} and {ids.Length}.");
        if (options.EfSearch < 0 || options.NProbe < 0 || options.Threads < 0)
            RetrievalThrow.Input($"Search options must not be negative: EfSearch={options.EfSearch}, NProbe={options.NProbe}, Threads={options.Threads}.");
        if (!IsTrained) RetrievalThrow.InvalidOperation($"The {Spec} index must be trained before searching.");
        if (n == 0) return;
        var distances = scores[..(n * k)];
        var prepared = Prepared(queries, out var rented);
        using (options.Threads > 0 ? Threads.Use(options.Threads) : default)
            SearchCore(prepared, n, k, distances, ids[..(n * k)], options);
        rented?.Dispose();
        for (int i = 0; i < distances.Length; i++) distances[i] = Metric.ToScore(distances[i]);
    }

    /// <inheritdoc/>
    public long Remove(ReadOnlySpan<long> ids) => ids.IsEmpty ? 0 : RemoveCore(new HashSet<long>(ids.ToArray()));

    /// <summary>Learns from <paramref name="n"/> prepared (normalised for cosine) vectors.</summary>
    protected virtual void TrainCore(ReadOnlySpan<float> vectors, int n) { }

    /// <summary>Adds prepared vectors; inputs were validated.</summary>
    protected abstract void AddCore(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids);

    /// <summary>Writes each query's best K as internal distances (smaller is better) and ids, best first, padded with +inf and -1.</summary>
    protected abstract void SearchCore(ReadOnlySpan<float> queries, int n, int k, Span<float> distances, Span<long> ids, SearchOptions options);

    /// <summary>Removes the listed ids; returns how many were present.</summary>
    protected abstract long RemoveCore(HashSet<long> ids);

    /// <summary>Writes the kind-specific body.</summary>
    internal abstract void WriteBody(IndexWriter writer);

    /// <summary>Saves this index to <paramref name="path"/> atomically (see <see cref="IndexFile"/>).</summary>
    public void Save(string path) => IndexFile.Save(this, path);

    /// <summary>Loads an index saved by <see cref="Save"/>; see <see cref="IndexFile.Load"/>.</summary>
    public static VectorIndex Load(string path, bool memoryMap = false) => IndexFile.Load(path, memoryMap);

    /// <summary>Ties the life of a resource (a file mapping) to this index.</summary>
    internal void KeepAlive(IDisposable resource) => keepAlive = resource;

    /// <summary>Releases native memory and any file mapping. Not safe concurrently with any other call.</summary>
    public void Dispose()
    {
        DisposeCore();
        keepAlive?.Dispose();
        keepAlive = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what the index owns.</summary>
    protected virtual void DisposeCore() { }

    int Rows(ReadOnlySpan<float> vectors, string what)
    {
        if (vectors.Length % Dimension != 0)
            RetrievalThrow.Argument($"The {what} hold {vectors.Length} floats, not a whole number of {Dimension}-dimensional vectors.");
        return vectors.Length / Dimension;
    }

    ReadOnlySpan<float> Prepared(ReadOnlySpan<float> vectors, out Rented? rented)
    {
        rented = null;
        if (Metric != Metric.Cosine) return vectors;
        rented = new Rented(vectors.Length);
        var copy = rented.Span;
        vectors.CopyTo(copy);
        for (int at = 0; at < copy.Length; at += Dimension) Distance.Normalize(copy.Slice(at, Dimension));
        return copy;
    }

    sealed class Rented(int length) : IDisposable
    {
        readonly float[] array = System.Buffers.ArrayPool<float>.Shared.Rent(length);
        public Span<float> Span => array.AsSpan(0, length);
        public void Dispose() => System.Buffers.ArrayPool<float>.Shared.Return(array);
    }
}
