using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Tandem.IO;
using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Retrieval.Storage;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Retrieval;

/// <summary>
/// Hierarchical navigable small-world graph (Malkov and Yashunin; the algorithm of hnswlib's
/// <c>hnswalg.h</c>) over full-precision vectors.
/// Thread-safety contract: Add with Add, Search with Search, Add with Search and Remove with
/// Search are safe (a search may or may not see items being added or removed meanwhile);
/// <see cref="Compact"/>, Save and Dispose need exclusive access.
/// </summary>
public sealed unsafe class HnswIndex : VectorIndex
{
    internal const string KindTag = "HNSW";
    const int LockStripes = 4096;
    /// <summary>Batches at least this large are inserted on several threads.</summary>
    const int ParallelAddMinimum = 256;
    /// <summary>How much of each neighbour's vector the search prefetches; hardware prefetch streams the rest of longer ones.</summary>
    const int MaxPrefetchBytes = 512;

    readonly int m, maxLinks0;
    readonly double levelMultiplier;
    readonly ChunkedArray<float> vectors;
    readonly ChunkedArray<long> labels = new(1);
    readonly ChunkedArray<byte> deleted = new(1);
    readonly ChunkedArray<int> links0;
    /// <summary>Links of the rare nodes above level 0: per level a count then <c>m</c> slots.</summary>
    readonly ConcurrentDictionary<int, int[]> upperLinks = new();
    readonly object[] locks = new object[LockStripes];
    readonly object entryLock = new();
    readonly Random levelRandom;
    readonly delegate*<float*, float*, int, float> distance;
    int entryPoint = -1, maxLevel = -1;
    long deletedCount;

    /// <summary>An empty graph.</summary>
    /// <param name="dimension">Vector length.</param>
    /// <param name="metric">Comparison.</param>
    /// <param name="m">Links per node above level 0 (twice as many at level 0); hnswlib's and FAISS's M.</param>
    /// <param name="efConstruction">Candidate-list size while inserting; larger builds slower and searches better.</param>
    /// <param name="efSearch">Default candidate-list size while searching (raised to K when smaller).</param>
    /// <param name="seed">Seed of the level draws.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public HnswIndex(int dimension, Metric metric = Metric.InnerProduct, int m = 32, int efConstruction = 40, int efSearch = 16, int seed = 100)
        : base(dimension, metric)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, 1024);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(efConstruction);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(efSearch);
        this.m = m;
        maxLinks0 = 2 * m;
        EfConstruction = efConstruction;
        EfSearch = efSearch;
        Seed = seed;
        levelMultiplier = 1 / Math.Log(m);
        levelRandom = new Random(seed);
        vectors = new ChunkedArray<float>(dimension);
        links0 = new ChunkedArray<int>(maxLinks0 + 1);
        for (int i = 0; i < locks.Length; i++) locks[i] = new object();
        distance = Distance.For(StorageMetric, Simd.Best);
    }

    /// <summary>Links per node above level 0.</summary>
    public int M => m;

    /// <summary>Candidate-list size while inserting.</summary>
    public int EfConstruction { get; }

    /// <summary>Default candidate-list size while searching; settable between searches.</summary>
    public int EfSearch { get; set; }

    /// <summary>Seed of the level draws.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override long Count => labels.Count - Interlocked.Read(ref deletedCount);

    /// <summary>Items removed but still in the graph until <see cref="Compact"/>.</summary>
    public long DeletedCount => Interlocked.Read(ref deletedCount);

    /// <inheritdoc/>
    public override string Spec => EfConstruction == 40 ? $"HNSW{m}" : $"HNSW{m},efC{EfConstruction}";

    internal override string Kind => KindTag;

    float* Vector(int node) => vectors.Row(node);

    /// <summary>A node's links on a level: a count, then the neighbours. Upper-level arrays are pinned, so the pointer stays valid.</summary>
    int* Links(int node, int level) => level == 0 ? links0.Row(node)
        : (int*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref upperLinks[node][(level - 1) * (m + 1)]);

    /// <summary>Inserts vectors; batches are spread over <see cref="Threads.Count"/> threads. Safe concurrently with Add, Search and Remove.</summary>
    protected override void AddCore(ReadOnlySpan<float> added, ReadOnlySpan<long> ids)
    {
        int n = ids.Length;
        int first;
        // Vectors, labels, flags and links are reserved under one lock so node numbers agree across the arrays.
        lock (labels)
        {
            first = vectors.Reserve(n);
            labels.Reserve(n);
            deleted.Reserve(n);
            links0.Reserve(n);
        }
        for (int i = 0; i < n; i++)
        {
            added.Slice(i * Dimension, Dimension).CopyTo(new Span<float>(Vector(first + i), Dimension));
            *labels.Row(first + i) = ids[i];
        }
        int start = 0;
        if (Volatile.Read(ref entryPoint) < 0) { Insert(first); start = 1; }
        int threads = Threads.Count;
        if (n - start >= ParallelAddMinimum && threads > 1)
            Parallel.For(start, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => Insert(first + i));
        else
            for (int i = start; i < n; i++) Insert(first + i);
    }

    int RandomLevel()
    {
        double u;
        lock (levelRandom) u = levelRandom.NextDouble();
        return (int)(-Math.Log(1 - u) * levelMultiplier);
    }

    void Insert(int node)
    {
        int level = RandomLevel();
        if (level > 0) upperLinks[node] = GC.AllocateArray<int>(level * (m + 1), pinned: true);
        // Like hnswlib, a node that raises the top level holds the entry lock for its whole insert.
        Monitor.Enter(entryLock);
        int top = maxLevel, entry = entryPoint;
        if (entry < 0)
        {
            entryPoint = node; maxLevel = level;
            Monitor.Exit(entryLock);
            return;
        }
        bool raises = level > top;
        if (!raises) Monitor.Exit(entryLock);
        try
        {
            var context = SearchContext.ForThread();
            float* q = Vector(node);
            int current = entry;
            float currentDistance = distance(q, Vector(current), Dimension);
            for (int layer = top; layer > level; layer--) current = Greedy(q, current, ref currentDistance, layer);
            for (int layer = Math.Min(level, top); layer >= 0; layer--)
            {
                SearchLayer(context, q, current, currentDistance, EfConstruction, layer, null, includeDeleted: true);
                current = Connect(context, node, layer, out currentDistance);
            }
            if (raises) { entryPoint = node; maxLevel = level; }
        }
        finally
        {
            if (raises) Monitor.Exit(entryLock);
        }
    }

    /// <summary>Walks to the nearest neighbour on <paramref name="layer"/> until no neighbour is closer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int Greedy(float* q, int current, ref float currentDistance, int layer)
    {
        for (bool moved = true; moved;)
        {
            moved = false;
            int* links = Links(current, layer);
            int count = Math.Min(Volatile.Read(ref links[0]), m);
            for (int i = 1; i <= count; i++)
            {
                int next = links[i];
                float d = distance(q, Vector(next), Dimension);
                if (d < currentDistance) { currentDistance = d; current = next; moved = true; }
            }
        }
        return current;
    }

    /// <summary>
    /// Best-first search of one layer from <paramref name="entry"/>, leaving at most <paramref name="ef"/> results in
    /// <c>context.Results</c> (the nearest kept). Removed or filtered-out nodes are walked through but not kept.
    /// </summary>
    void SearchLayer(SearchContext context, float* q, int entry, float entryDistance, int ef, int layer, IdFilter? filter, bool includeDeleted)
    {
        switch (StorageMetric == Metric.L2, Simd.Best)
        {
            case (false, SimdLevel.Avx512): SearchLayer<NegativeDot<Avx512Simd, Vector512<float>>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
            case (false, SimdLevel.Avx2): SearchLayer<NegativeDot<Avx2Simd, Vector256<float>>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
            case (false, SimdLevel.Vector128): SearchLayer<NegativeDot<Vector128Simd, Vector128<float>>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
            case (false, _): SearchLayer<NegativeDot<ScalarSimd, float>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
            case (true, SimdLevel.Avx512): SearchLayer<SquaredL2<Avx512Simd, Vector512<float>>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
            case (true, SimdLevel.Avx2): SearchLayer<SquaredL2<Avx2Simd, Vector256<float>>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
            case (true, SimdLevel.Vector128): SearchLayer<SquaredL2<Vector128Simd, Vector128<float>>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
            default: SearchLayer<SquaredL2<ScalarSimd, float>>(context, q, entry, entryDistance, ef, layer, filter, includeDeleted); break;
        }
    }

    /// <summary>
    /// The search loop specialised over the distance so it inlines. Each expanded node's unvisited neighbours are
    /// first gathered and their vectors prefetched whole, then measured: the memory loads overlap instead of
    /// arriving one neighbour at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void SearchLayer<TDistance>(SearchContext context, float* q, int entry, float entryDistance, int ef, int layer, IdFilter? filter, bool includeDeleted)
        where TDistance : struct, IDistance
    {
        // Candidates are keyed by negated distance, so the queue's largest is the nearest; results keep the ef nearest.
        var candidates = context.Candidates;
        var results = context.Results;
        candidates.Reset(int.MaxValue);
        results.Reset(ef);
        context.NewVisit(labels.Count);
        context.Visit(entry);
        int[] marks = context.Marks;
        int tag = context.Tag;
        // Tombstones are only read when some exist, saving a cache miss per visited node otherwise.
        bool checkDeleted = !includeDeleted && Interlocked.Read(ref deletedCount) > 0;
        bool anyExcluded = filter != null || checkDeleted;
        float bound = float.PositiveInfinity;
        if (Keeps(entry, filter, !checkDeleted)) { results.Push(entryDistance, entry); bound = entryDistance; }
        candidates.Push(-entryDistance, entry);
        int maxLinks = layer == 0 ? maxLinks0 : m;
        int d = Dimension;
        int prefetchBytes = Math.Min(d * sizeof(float), MaxPrefetchBytes);
        int* fresh = stackalloc int[maxLinks];
        while (candidates.Count > 0)
        {
            float nearest = -candidates.Largest;
            if (nearest > bound && (results.Count == ef || !anyExcluded)) break;
            int current = candidates.LargestId;
            candidates.RemoveLargest();
            int* links = Links(current, layer);
            int count = Math.Min(Volatile.Read(ref links[0]), maxLinks);
            int found = 0;
            for (int i = 1; i <= count; i++)
            {
                int next = links[i];
                // A concurrent Add may link a node newer than the marks array.
                if ((uint)next >= (uint)marks.Length) marks = context.GrowMarks(next);
                ref int mark = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), next);
                if (mark == tag) continue;
                mark = tag;
                fresh[found++] = next;
                if (Sse.IsSupported)
                {
                    byte* row = (byte*)Vector(next);
                    for (int at = 0; at < prefetchBytes; at += 64) Sse.Prefetch0(row + at);
                }
            }
            for (int i = 0; i < found; i++)
            {
                int next = fresh[i];
                float dist = TDistance.Of(q, Vector(next), d);
                if (results.Count < ef || dist < bound)
                {
                    candidates.Push(-dist, next);
                    if (Keeps(next, filter, !checkDeleted))
                    {
                        results.Push(dist, next);
                        if (results.Count > 0) bound = results.Largest; // empty only if dist was NaN
                    }
                }
            }
            if (layer == 0 && candidates.Count > 0 && Sse.IsSupported) Sse.Prefetch0(links0.Row(candidates.LargestId));
        }
    }

    bool Keeps(int node, IdFilter? filter, bool skipTombstones) =>
        (skipTombstones || *deleted.Row(node) == 0) && (filter == null || filter.Allows(*labels.Row(node)));

    /// <summary>Links <paramref name="node"/> to the best of the layer's search results and back; returns the closest result.</summary>
    int Connect(SearchContext context, int node, int layer, out float closestDistance)
    {
        var chosen = context.Chosen;
        context.SortedResults(out var sortedDistances, out var sortedNodes);
        Prune(sortedDistances, sortedNodes, m, chosen);
        closestDistance = sortedDistances[0];
        int closest = sortedNodes[0];
        int maxLinks = layer == 0 ? maxLinks0 : m;
        lock (LockOf(node))
        {
            int* own = Links(node, layer);
            for (int i = 0; i < chosen.Count; i++) own[1 + i] = chosen[i];
            Volatile.Write(ref own[0], chosen.Count);
        }
        float* v = Vector(node);
        var pruneDistances = context.PruneDistances(maxLinks + 1);
        var pruneNodes = context.PruneNodes(maxLinks + 1);
        var kept = context.Kept;
        for (int c = 0; c < chosen.Count; c++)
        {
            int neighbor = chosen[c];
            lock (LockOf(neighbor))
            {
                int* links = Links(neighbor, layer);
                int count = links[0];
                if (count < maxLinks)
                {
                    links[1 + count] = node;
                    Volatile.Write(ref links[0], count + 1);
                    continue;
                }
                // Full: keep the heuristic's choice among the old links plus the new node.
                float* nv = Vector(neighbor);
                pruneDistances[0] = distance(nv, v, Dimension); pruneNodes[0] = node;
                for (int i = 1; i <= count; i++) { pruneDistances[i] = distance(nv, Vector(links[i]), Dimension); pruneNodes[i] = links[i]; }
                var keys = pruneDistances[..(count + 1)];
                var items = pruneNodes[..(count + 1)];
                keys.Sort(items);
                Prune(keys, items, maxLinks, kept);
                for (int i = 0; i < kept.Count; i++) links[1 + i] = kept[i];
                Volatile.Write(ref links[0], kept.Count);
            }
        }
        return closest;
    }

    /// <summary>
    /// hnswlib's neighbour heuristic: walking candidates nearest first, keep one only if it is closer to the
    /// base than to every kept one, so links spread in all directions; at most <paramref name="limit"/>.
    /// </summary>
    void Prune(ReadOnlySpan<float> sortedDistances, ReadOnlySpan<int> sortedNodes, int limit, List<int> kept)
    {
        kept.Clear();
        for (int i = 0; i < sortedNodes.Length && kept.Count < limit; i++)
        {
            float* candidate = Vector(sortedNodes[i]);
            bool good = true;
            foreach (int k in kept)
                if (distance(candidate, Vector(k), Dimension) < sortedDistances[i]) { good = false; break; }
            if (good) kept.Add(sortedNodes[i]);
        }
    }

    object LockOf(int node) => locks[node & (LockStripes - 1)];

    /// <summary>Searches the graph. Safe concurrently with Search, Add and Remove.</summary>
    protected override void SearchCore(ReadOnlySpan<float> queries, int n, int k, Span<float> distances, Span<long> ids, SearchOptions options)
    {
        int ef = Math.Max(options.EfSearch > 0 ? options.EfSearch : EfSearch, k);
        int threads = Math.Min(Threads.Count, n);
        if (threads <= 1)
        {
            for (int q = 0; q < n; q++)
                SearchOne(queries.Slice(q * Dimension, Dimension), k, ef, options.Filter, distances.Slice(q * k, k), ids.Slice(q * k, k));
            return;
        }
        var q0 = queries.ToArray();
        var outDistances = new float[n * k];
        var outIds = new long[n * k];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, q =>
            SearchOne(q0.AsSpan(q * Dimension, Dimension), k, ef, options.Filter, outDistances.AsSpan(q * k, k), outIds.AsSpan(q * k, k)));
        outDistances.CopyTo(distances);
        outIds.CopyTo(ids);
    }

    void SearchOne(ReadOnlySpan<float> query, int k, int ef, IdFilter? filter, Span<float> distances, Span<long> ids)
    {
        distances.Fill(float.PositiveInfinity);
        ids.Fill(-1);
        int top, entry;
        lock (entryLock) { top = maxLevel; entry = entryPoint; }
        if (entry < 0) return;
        var context = SearchContext.ForThread();
        fixed (float* q = query)
        {
            float entryDistance = distance(q, Vector(entry), Dimension);
            for (int layer = top; layer > 0; layer--) entry = Greedy(q, entry, ref entryDistance, layer);
            SearchLayer(context, q, entry, entryDistance, ef, 0, filter, includeDeleted: false);
        }
        var results = context.Results;
        while (results.Count > k) results.RemoveLargest();
        for (int j = results.Count - 1; j >= 0; j--)
        {
            distances[j] = results.Largest;
            ids[j] = *labels.Row(results.LargestId);
            results.RemoveLargest();
        }
    }

    /// <summary>Marks items removed (tombstones): searches skip them at once, <see cref="Compact"/> frees them. Safe concurrently with Search.</summary>
    protected override long RemoveCore(HashSet<long> ids)
    {
        long removed = 0;
        int count = labels.Count;
        for (int node = 0; node < count; node++)
        {
            byte* flag = deleted.Row(node);
            if (*flag == 0 && ids.Contains(*labels.Row(node)))
            {
                *flag = 1;
                removed++;
            }
        }
        Interlocked.Add(ref deletedCount, removed);
        return removed;
    }

    /// <summary>
    /// Rebuilds the graph from the live items so removed ones no longer cost memory or search time.
    /// Needs exclusive access: not safe concurrently with any other call.
    /// </summary>
    public void Compact()
    {
        int count = labels.Count;
        int live = (int)(count - DeletedCount);
        var keptVectors = new float[(long)live * Dimension];
        var keptIds = new long[live];
        int at = 0;
        for (int node = 0; node < count; node++)
        {
            if (*deleted.Row(node) != 0) continue;
            new ReadOnlySpan<float>(Vector(node), Dimension).CopyTo(keptVectors.AsSpan(at * Dimension, Dimension));
            keptIds[at++] = *labels.Row(node);
        }
        vectors.Truncate(0); labels.Truncate(0); deleted.Truncate(0); links0.Truncate(0);
        upperLinks.Clear();
        entryPoint = -1; maxLevel = -1; deletedCount = 0;
        if (live > 0) AddCore(keptVectors, keptIds);
    }

    internal override void WriteBody(IndexWriter writer)
    {
        writer.Int(m);
        writer.Int(EfConstruction);
        writer.Int(EfSearch);
        writer.Int(Seed);
        writer.Int(entryPoint);
        writer.Int(maxLevel);
        writer.Rows(vectors, "vectors");
        writer.Rows(labels, "ids");
        writer.Rows(deleted, "tombstones");
        writer.Rows(links0, "links0");
        writer.Int(upperLinks.Count);
        foreach (var (node, links) in upperLinks.OrderBy(pair => pair.Key))
        {
            writer.Int(node);
            writer.Int(links.Length);
            writer.Values<int>(links);
        }
    }

    internal static HnswIndex ReadBody(IndexReader reader, int dimension, Metric metric)
    {
        int m = reader.Int("M", 2, 1024);
        int efConstruction = reader.Int("efConstruction", 1);
        int efSearch = reader.Int("efSearch", 1);
        int seed = reader.Int("seed");
        var index = new HnswIndex(dimension, metric, m, efConstruction, efSearch, seed);
        int entry = reader.Int("entry point", -1);
        int top = reader.Int("max level", -1, 64);
        reader.Rows(index.vectors, "vectors");
        int count = index.vectors.Count;
        reader.Rows(index.labels, "ids", count);
        reader.Rows(index.deleted, "tombstones", count);
        reader.Rows(index.links0, "links0", count);
        if (entry >= count || (entry < 0) != (count == 0)) FileThrow.Corrupt(reader.Path, $"entry point {entry} does not fit {count} nodes");
        int uppers = reader.Int("upper-level node count", 0, count);
        for (int i = 0; i < uppers; i++)
        {
            int node = reader.Int("upper-level node", 0, count - 1);
            int length = reader.Int("upper-level links length", m + 1, (top + 1) * (m + 1));
            if (length % (m + 1) != 0) FileThrow.Corrupt(reader.Path, $"upper-level links of node {node} have length {length}, not a multiple of {m + 1}");
            var links = reader.HeaderValues<int>("upper-level links", length);
            for (int at = 0; at < length; at += m + 1) index.CheckLinks(reader.Path, node, links.AsSpan(at, m + 1), m, count);
            var pinned = GC.AllocateArray<int>(length, pinned: true);
            links.CopyTo(pinned, 0);
            index.upperLinks[node] = pinned;
        }
        long removed = 0;
        for (int node = 0; node < count; node++)
        {
            index.CheckLinks(reader.Path, node, new ReadOnlySpan<int>(index.links0.Row(node), index.maxLinks0 + 1), index.maxLinks0, count);
            if (*index.deleted.Row(node) != 0) removed++;
        }
        index.entryPoint = entry;
        index.maxLevel = top;
        index.deletedCount = removed;
        return index;
    }

    void CheckLinks(string path, int node, ReadOnlySpan<int> links, int max, int count)
    {
        if ((uint)links[0] > (uint)max) FileThrow.Corrupt(path, $"node {node} claims {links[0]} links, at most {max} allowed");
        for (int i = 1; i <= links[0]; i++)
            if ((uint)links[i] >= (uint)count) FileThrow.Corrupt(path, $"node {node} links to node {links[i]}, but there are only {count}");
    }

    protected override void DisposeCore()
    {
        vectors.Dispose(); labels.Dispose(); deleted.Dispose(); links0.Dispose();
        upperLinks.Clear();
    }

    /// <summary>Per-thread scratch for one search: visit marks, both heaps and pruning lists.</summary>
    sealed class SearchContext
    {
        [ThreadStatic] static SearchContext? current;

        int[] marks = [];
        int mark;
        public readonly TopK<int> Candidates = new(int.MaxValue), Results = new(0);
        public readonly List<int> Chosen = [], Kept = [];
        float[] pruneDistances = [];
        int[] pruneNodes = [];

        public Span<float> PruneDistances(int length) => pruneDistances.Length >= length ? pruneDistances : pruneDistances = new float[length];
        public Span<int> PruneNodes(int length) => pruneNodes.Length >= length ? pruneNodes : pruneNodes = new int[length];
        float[] sortedDistances = [];
        int[] sortedNodes = [];

        public static SearchContext ForThread() => current ??= new SearchContext();

        public void NewVisit(int nodes)
        {
            if (marks.Length < nodes) marks = new int[Math.Max(nodes, marks.Length * 2) + 1024];
            if (++mark == int.MaxValue) { Array.Clear(marks); mark = 1; }
        }

        /// <summary>Visit marks: a node is visited in this search when its mark equals <see cref="Tag"/>.</summary>
        public int[] Marks => marks;

        /// <summary>This search's mark.</summary>
        public int Tag => mark;

        /// <summary>Grows the marks so <paramref name="node"/> fits, keeping them; returns the new array.</summary>
        public int[] GrowMarks(int node)
        {
            Array.Resize(ref marks, Math.Max(node + 1, marks.Length * 2));
            return marks;
        }

        /// <summary>Marks <paramref name="node"/> visited; false if it already was.</summary>
        public bool Visit(int node)
        {
            if (node >= marks.Length) Array.Resize(ref marks, Math.Max(node + 1, marks.Length * 2));
            if (marks[node] == mark) return false;
            marks[node] = mark;
            return true;
        }

        /// <summary>The results heap emptied into arrays sorted nearest first.</summary>
        public void SortedResults(out float[] distances, out int[] nodes)
        {
            int n = Results.Count;
            if (sortedDistances.Length != n) { sortedDistances = new float[n]; sortedNodes = new int[n]; }
            Results.Drain(sortedDistances, sortedNodes);
            distances = sortedDistances; nodes = sortedNodes;
        }
    }
}
