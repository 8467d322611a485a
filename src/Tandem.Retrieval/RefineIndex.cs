using Tandem.IO;
using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Retrieval.Storage;
using Tandem.Tensors;

namespace Tandem.Retrieval;

/// <summary>
/// Re-ranks an approximate index's shortlist with exact vectors (FAISS <c>IndexRefineFlat</c>): the
/// inner index returns <see cref="KFactor"/>·K candidates by position, which are rescored exactly.
/// Thread safety: that of the inner index for searches; Add and Remove need exclusive access.
/// </summary>
public sealed unsafe class RefineIndex : VectorIndex
{
    internal const string KindTag = "Refine";

    readonly VectorIndex inner;
    readonly ChunkedArray<float> vectors;
    readonly ChunkedArray<long> labels = new(1);
    readonly ChunkedArray<byte> removed = new(1);
    long removedCount;

    /// <summary>Wraps <paramref name="inner"/>, which must be empty; this index owns it from now on.</summary>
    /// <exception cref="ArgumentException">The inner index is not empty.</exception>
    public RefineIndex(VectorIndex inner, int kFactor = 4) : this(inner, kFactor, loading: false) { }

    RefineIndex(VectorIndex inner, int kFactor, bool loading) : base(inner.Dimension, inner.Metric)
    {
        if (!loading && inner.Count != 0) RetrievalThrow.Argument("A Refine index must wrap an empty index.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kFactor);
        this.inner = inner;
        KFactor = kFactor;
        vectors = new ChunkedArray<float>(inner.Dimension);
    }

    /// <summary>The approximate index whose shortlist is re-ranked; its ids are positions in this index.</summary>
    public VectorIndex Inner => inner;

    /// <summary>Shortlist size as a multiple of K; settable between searches.</summary>
    public int KFactor { get; set; }

    /// <inheritdoc/>
    public override long Count => labels.Count - removedCount;

    /// <inheritdoc/>
    public override bool IsTrained => inner.IsTrained;

    /// <inheritdoc/>
    public override string Spec => inner.Spec + (KFactor == 4 ? ",Refine" : $",Refine{KFactor}");

    internal override string Kind => KindTag;

    /// <summary>Trains the inner index. Needs exclusive access.</summary>
    protected override void TrainCore(ReadOnlySpan<float> prepared, int n) => inner.Train(prepared);

    /// <summary>Stores exact vectors and adds them to the inner index under their positions. Needs exclusive access.</summary>
    protected override void AddCore(ReadOnlySpan<float> prepared, ReadOnlySpan<long> ids)
    {
        int first = vectors.Count;
        vectors.Append(prepared);
        labels.Append(ids);
        removed.Reserve(ids.Length);
        var positions = new long[ids.Length];
        for (int i = 0; i < positions.Length; i++) positions[i] = first + i;
        inner.Add(prepared, positions);
    }

    /// <summary>Searches the inner index for a shortlist and re-ranks it exactly.</summary>
    protected override void SearchCore(ReadOnlySpan<float> queries, int n, int k, Span<float> distances, Span<long> ids, SearchOptions options)
    {
        int shortlist = k * KFactor;
        var filter = options.Filter;
        var positionFilter = IdFilter.Where(p => *removed.Row((int)p) == 0 && (filter == null || filter.Allows(*labels.Row((int)p))));
        var scores = new float[n * shortlist];
        var positions = new long[n * shortlist];
        inner.Search(queries, shortlist, scores, positions, options with { Filter = positionFilter });
        var distance = Distance.For(StorageMetric, Simd.Best);
        var heap = new TopK<long>(k);
        fixed (float* q0 = queries)
            for (int q = 0; q < n; q++)
            {
                heap.Reset(k);
                float* query = q0 + (long)q * Dimension;
                for (int j = 0; j < shortlist; j++)
                {
                    long position = positions[q * shortlist + j];
                    if (position < 0) break;
                    heap.Push(distance(query, vectors.Row((int)position), Dimension), *labels.Row((int)position));
                }
                heap.Drain(distances.Slice(q * k, k), ids.Slice(q * k, k));
            }
    }

    /// <summary>Removes items from the inner index; their exact vectors stay until the index is rebuilt. Needs exclusive access.</summary>
    protected override long RemoveCore(HashSet<long> ids)
    {
        var positions = new List<long>();
        for (int p = 0; p < labels.Count; p++)
            if (*removed.Row(p) == 0 && ids.Contains(*labels.Row(p))) { positions.Add(p); *removed.Row(p) = 1; }
        inner.Remove(positions.ToArray());
        removedCount += positions.Count;
        return positions.Count;
    }

    internal override void WriteBody(IndexWriter writer)
    {
        writer.Int(KFactor);
        IndexFile.WriteIndex(writer.Nested("inner"), inner);
        writer.Rows(vectors, "vectors");
        writer.Rows(labels, "ids");
        writer.Rows(removed, "tombstones");
    }

    internal static RefineIndex ReadBody(IndexReader reader, int dimension, Metric metric)
    {
        int kFactor = reader.Int("refine k factor", 1);
        var inner = IndexFile.ReadIndex(reader.Nested("inner"));
        if (inner.Dimension != dimension || inner.Metric != metric)
            FileThrow.Corrupt(reader.Path, $"the refined index is {inner.Dimension}-d {inner.Metric.Token()} but the wrapper is {dimension}-d {metric.Token()}");
        var index = new RefineIndex(inner, kFactor, loading: true);
        reader.Rows(index.vectors, "vectors");
        int count = index.vectors.Count;
        reader.Rows(index.labels, "ids", count);
        reader.Rows(index.removed, "tombstones", count);
        for (int p = 0; p < count; p++) if (*index.removed.Row(p) != 0) index.removedCount++;
        if (inner.Count != count - index.removedCount)
            FileThrow.Corrupt(reader.Path, $"the refined index holds {inner.Count} items but the refine store {count - index.removedCount}");
        return index;
    }

    protected override void DisposeCore()
    {
        inner.Dispose();
        vectors.Dispose(); labels.Dispose(); removed.Dispose();
    }
}
