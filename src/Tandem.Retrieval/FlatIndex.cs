using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Retrieval.Storage;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Retrieval;

/// <summary>
/// Exact search over every stored vector. A batch of queries goes through SGEMM
/// (<see cref="Gemm.Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, float, bool)"/>)
/// block by block with a per-row top-K; a single query is a SIMD distance scan split over the item range.
/// Thread safety: Search with Search is safe; Add and Remove need exclusive access.
/// </summary>
public sealed unsafe class FlatIndex : VectorIndex
{
    internal const string KindTag = "Flat";
    /// <summary>Below this many queries per thread a batch is searched query by query.</summary>
    const int BatchMinimum = 8;
    const int QueryBlock = 128, ItemBlock = 1024;
    /// <summary>Single-query scans split over threads only above this many items.</summary>
    const int ParallelScanMinimum = 1 << 16;

    readonly ChunkedArray<float> vectors;
    readonly ChunkedArray<long> labels = new(1);
    readonly ChunkedArray<float>? norms;

    /// <summary>An empty exact index.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not positive.</exception>
    public FlatIndex(int dimension, Metric metric = Metric.InnerProduct) : base(dimension, metric)
    {
        vectors = new ChunkedArray<float>(dimension);
        if (StorageMetric == Metric.L2) norms = new ChunkedArray<float>(1);
    }

    /// <inheritdoc/>
    public override long Count => vectors.Count;

    /// <inheritdoc/>
    public override string Spec => "Flat";

    internal override string Kind => KindTag;

    /// <summary>The stored (normalised, for cosine) vector in slot <paramref name="slot"/>.</summary>
    internal float* Vector(int slot) => vectors.Row(slot);

    /// <summary>The id in slot <paramref name="slot"/>.</summary>
    internal long Label(int slot) => *labels.Row(slot);

    /// <summary>Adds vectors. Not safe concurrently with any other call.</summary>
    protected override void AddCore(ReadOnlySpan<float> added, ReadOnlySpan<long> ids)
    {
        int first = vectors.Count;
        vectors.Append(added);
        labels.Append(ids);
        if (norms != null) AppendNorms(first);
    }

    void AppendNorms(int first)
    {
        int rows = vectors.Count - first;
        int at = norms!.Reserve(rows);
        for (int r = 0; r < rows; r++)
        {
            var v = new ReadOnlySpan<float>(vectors.Row(first + r), Dimension);
            *norms.Row(at + r) = TensorPrimitives.Dot(v, v);
        }
    }

    /// <summary>Searches exactly. Safe concurrently with other searches.</summary>
    protected override void SearchCore(ReadOnlySpan<float> queries, int n, int k, Span<float> distances, Span<long> ids, SearchOptions options)
    {
        int threads = Threads.Count;
        if (n >= BatchMinimum * Math.Min(threads, 2)) SearchBatch(queries, n, k, distances, ids, threads, options.Filter);
        else
            for (int q = 0; q < n; q++)
                SearchOne(queries.Slice(q * Dimension, Dimension), k, distances.Slice(q * k, k), ids.Slice(q * k, k), threads, options.Filter);
    }

    [ThreadStatic] static TopK<long>? scanHeap;

    void SearchOne(ReadOnlySpan<float> query, int k, Span<float> distances, Span<long> ids, int threads, IdFilter? filter)
    {
        int count = vectors.Count;
        int parts = count >= ParallelScanMinimum ? Math.Min(threads, count / (ParallelScanMinimum / 2)) : 1;
        var q = query.ToArray();
        if (parts <= 1)
        {
            var heap = scanHeap ??= new TopK<long>(k);
            heap.Reset(k);
            fixed (float* pq = q) Scan(pq, 0, count, heap, filter);
            heap.Drain(distances, ids);
            return;
        }
        var heaps = new TopK<long>[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            var heap = new TopK<long>(k);
            fixed (float* pq = q) Scan(pq, (int)((long)count * p / parts), (int)((long)count * (p + 1) / parts), heap, filter);
            heaps[p] = heap;
        });
        for (int p = 1; p < parts; p++) heaps[0].Merge(heaps[p]);
        heaps[0].Drain(distances, ids);
    }

    /// <summary>Distances from <paramref name="query"/> to slots <paramref name="from"/>..<paramref name="to"/>-1, kept in <paramref name="heap"/>.</summary>
    internal void Scan(float* query, int from, int to, TopK<long> heap, IdFilter? filter)
    {
        var distance = Distance.For(StorageMetric, Simd.Best);
        int d = Dimension;
        for (int slot = from; slot < to;)
        {
            int run = vectors.ContiguousFrom(slot, to - slot);
            float* row = vectors.Row(slot);
            long* label = labels.Row(slot);
            float threshold = heap.Threshold;
            for (int r = 0; r < run; r++, row += d)
            {
                float dist = distance(query, row, d);
                if (dist <= threshold && (filter == null || filter.Allows(label[r])))
                {
                    heap.Push(dist, label[r]);
                    threshold = heap.Threshold;
                }
            }
            slot += run;
        }
    }

    void SearchBatch(ReadOnlySpan<float> queries, int n, int k, Span<float> distances, Span<long> ids, int threads, IdFilter? filter)
    {
        var q = queries.ToArray();
        var outDistances = new float[n * k];
        var outIds = new long[n * k];
        int blocks = (n + QueryBlock - 1) / QueryBlock;
        // Spread query blocks over threads; with fewer blocks than threads, smaller blocks keep every thread busy.
        int block = blocks >= threads ? QueryBlock : Math.Max(1, (n + threads - 1) / threads);
        blocks = (n + block - 1) / block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
        {
            int q0 = b * block, rows = Math.Min(block, n - q0);
            SearchBlock(q.AsSpan(q0 * Dimension, rows * Dimension), rows, k,
                outDistances.AsSpan(q0 * k, rows * k), outIds.AsSpan(q0 * k, rows * k), filter);
        });
        outDistances.CopyTo(distances);
        outIds.CopyTo(ids);
    }

    void SearchBlock(ReadOnlySpan<float> queries, int rows, int k, Span<float> distances, Span<long> ids, IdFilter? filter)
    {
        var heaps = new TopK<long>[rows];
        for (int r = 0; r < rows; r++) heaps[r] = new TopK<long>(k);
        var products = new float[rows * ItemBlock];
        bool l2 = norms != null;
        int count = vectors.Count;
        for (int slot = 0; slot < count;)
        {
            int run = vectors.ContiguousFrom(slot, ItemBlock);
            // products = -q·x for inner product, -2 q·x for L2 (plus ‖x‖² below; ‖q‖² is the same for every item).
            Gemm.Multiply(queries, new ReadOnlySpan<float>(vectors.Row(slot), run * Dimension), products,
                rows, run, Dimension, transB: true, alpha: l2 ? -2f : -1f);
            long* label = labels.Row(slot);
            for (int r = 0; r < rows; r++)
            {
                var row = products.AsSpan(r * run, run);
                if (l2) TensorPrimitives.Add(row, new ReadOnlySpan<float>(norms!.Row(slot), run), row);
                Kernels.KeepBest.Run(row, label, heaps[r], filter, Simd.Best);
            }
            slot += run;
        }
        for (int r = 0; r < rows; r++)
        {
            var rowDistances = distances.Slice(r * k, k);
            heaps[r].Drain(rowDistances, ids.Slice(r * k, k));
            if (l2)
            {
                var query = queries.Slice(r * Dimension, Dimension);
                float queryNorm = TensorPrimitives.Dot(query, query);
                for (int j = 0; j < k; j++) rowDistances[j] = Math.Max(0, rowDistances[j] + queryNorm);
            }
        }
    }

    /// <summary>Removes by moving the last item into each freed slot. Not safe concurrently with any other call.</summary>
    protected override long RemoveCore(HashSet<long> ids)
    {
        int count = vectors.Count, removed = 0;
        for (int slot = 0; slot < count;)
        {
            if (!ids.Contains(Label(slot))) { slot++; continue; }
            int last = count - 1;
            if (slot != last)
            {
                new ReadOnlySpan<float>(vectors.Row(last), Dimension).CopyTo(new Span<float>(vectors.Row(slot), Dimension));
                *labels.Row(slot) = *labels.Row(last);
                if (norms != null) *norms.Row(slot) = *norms.Row(last);
            }
            count--;
            removed++;
        }
        vectors.Truncate(count);
        labels.Truncate(count);
        norms?.Truncate(count);
        return removed;
    }

    internal override void WriteBody(IndexWriter writer)
    {
        writer.Rows(vectors, "vectors");
        writer.Rows(labels, "ids");
    }

    internal static FlatIndex ReadBody(IndexReader reader, int dimension, Metric metric)
    {
        var index = new FlatIndex(dimension, metric);
        reader.Rows(index.vectors, "vectors");
        reader.Rows(index.labels, "ids", index.vectors.Count);
        if (index.norms != null) index.AppendNorms(0);
        return index;
    }

    protected override void DisposeCore()
    {
        vectors.Dispose();
        labels.Dispose();
        norms?.Dispose();
    }
}
