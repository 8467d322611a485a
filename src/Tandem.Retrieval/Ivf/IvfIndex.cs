using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Tandem.IO;
using Tandem.Retrieval.Ivf;
using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Tensors;

namespace Tandem.Retrieval;

/// <summary>
/// Inverted file: k-means cells, each holding its items' codes in a <see cref="ListStorage"/>
/// (full vectors or PQ codes); a query scans the <see cref="NProbe"/> cells nearest to it.
/// Thread safety: Search with Search is safe; Train, Add and Remove need exclusive access.
/// </summary>
public sealed unsafe class IvfIndex : VectorIndex
{
    internal const string KindTag = "IVF";
    /// <summary>PQ codebooks learn from at most this many residuals (FAISS uses 256 per centroid).</summary>
    const int MaxPqTrainingPoints = 65536;

    readonly ListStorage storage;
    readonly InvertedList[] lists;
    float[] centroids = [];
    // The centroids transposed for the coarse scan, and their squared norms for L2.
    float[] centroidColumns = [];
    float[] centroidNorms = [];
    int columnStride;

    IvfIndex(int dimension, Metric metric, int lists, ListStorage storage, int nprobe, int seed) : base(dimension, metric)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lists);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nprobe);
        this.storage = storage;
        this.lists = new InvertedList[lists];
        for (int i = 0; i < lists; i++) this.lists[i] = new InvertedList(storage.CodeSize);
        NProbe = nprobe;
        Seed = seed;
    }

    /// <summary>An IVF index storing full vectors (FAISS <c>IVF{lists},Flat</c>).</summary>
    public static IvfIndex WithFlat(int dimension, int lists, Metric metric = Metric.InnerProduct, int nprobe = 8, int seed = 0) =>
        new(dimension, metric, lists, new FlatStorage(dimension), nprobe, seed);

    /// <summary>An IVF index storing PQ codes of residuals, <paramref name="subQuantizers"/> bytes each (FAISS <c>IVF{lists},PQ{m}</c>).</summary>
    /// <exception cref="ArgumentException">The dimension is not a multiple of <paramref name="subQuantizers"/>.</exception>
    public static IvfIndex WithPq(int dimension, int lists, int subQuantizers, Metric metric = Metric.InnerProduct, int nprobe = 8, int seed = 0) =>
        new(dimension, metric, lists, new PqStorage(dimension, subQuantizers), nprobe, seed);

    /// <summary>An IVF index storing 4-bit PQ codes of residuals scanned by in-register lookups, <paramref name="subQuantizers"/> / 2 bytes each (FAISS <c>IVF{lists},PQ{m}x4fs</c>).</summary>
    /// <exception cref="TandemException">The dimension is not a multiple of <paramref name="subQuantizers"/>, or it is odd.</exception>
    public static IvfIndex WithFastScan(int dimension, int lists, int subQuantizers, Metric metric = Metric.InnerProduct, int nprobe = 8, int seed = 0) =>
        new(dimension, metric, lists, ListStorage.Parse($"PQ{subQuantizers}x4fs", dimension, out string? error) ?? RetrievalThrow.Input<ListStorage>($"IVF{lists}: {error}."), nprobe, seed);

    /// <summary>An IVF index over a parsed storage (the factory's path).</summary>
    internal static IvfIndex Create(int dimension, int lists, ListStorage storage, Metric metric) => new(dimension, metric, lists, storage, 8, 0);

    /// <summary>Number of cells.</summary>
    public int Lists => lists.Length;

    /// <summary>Cells scanned per query by default; settable between searches.</summary>
    public int NProbe { get; set; }

    /// <summary>Seed of k-means.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override long Count
    {
        get { long total = 0; foreach (var list in lists) total += list.Count; return total; }
    }

    /// <inheritdoc/>
    public override bool IsTrained => centroids.Length > 0 && storage.IsTrained;

    /// <inheritdoc/>
    public override string Spec => $"IVF{lists.Length},{storage.Token}";

    internal override string Kind => KindTag;

    /// <summary>Learns the cells by seeded k-means (k-means++ seeding) and then the storage's codebooks on residuals. Needs exclusive access.</summary>
    protected override void TrainCore(ReadOnlySpan<float> vectors, int n)
    {
        if (n < lists.Length) RetrievalThrow.Input($"IVF{lists.Length} needs at least {lists.Length} training vectors, got {n}.");
        centroids = KMeans.Train(vectors, Dimension, lists.Length, new KMeansOptions { Seed = Seed, Spherical = StorageMetric == Metric.InnerProduct });
        PrepareCoarse();
        if (storage.IsTrained) return;
        int sample = Math.Min(n, MaxPqTrainingPoints);
        var residuals = vectors[..(sample * Dimension)].ToArray();
        if (storage.ByResidual) KMeans.SubtractAssigned(residuals, centroids, Dimension, KMeans.Assign(residuals, centroids, Dimension));
        storage.Train(residuals, Seed + 1);
    }

    void PrepareCoarse()
    {
        centroidColumns = TransposedDot.Transpose(centroids, lists.Length, Dimension, out columnStride);
        centroidNorms = new float[lists.Length];
        for (int c = 0; c < lists.Length; c++)
        {
            var centroid = centroids.AsSpan(c * Dimension, Dimension);
            centroidNorms[c] = TensorPrimitives.Dot(centroid, centroid);
        }
    }

    /// <summary>Adds vectors to their nearest cells. Needs exclusive access.</summary>
    protected override void AddCore(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        int n = ids.Length;
        var assignment = KMeans.Assign(vectors, centroids, Dimension);
        var codes = new byte[(long)n * storage.CodeSize];
        if (storage.ByResidual)
        {
            var residuals = vectors.ToArray();
            KMeans.SubtractAssigned(residuals, centroids, Dimension, assignment);
            storage.Encode(residuals, codes);
        }
        else storage.Encode(vectors, codes);
        for (int i = 0; i < n; i++) lists[assignment[i]].Append(ids[i], codes.AsSpan(i * storage.CodeSize, storage.CodeSize));
    }

    /// <summary>Searches the nearest cells. Safe concurrently with other searches.</summary>
    protected override void SearchCore(ReadOnlySpan<float> queries, int n, int k, Span<float> distances, Span<long> ids, SearchOptions options)
    {
        int nprobe = Math.Min(options.NProbe > 0 ? options.NProbe : NProbe, lists.Length);
        int threads = Math.Min(Threads.Count, n);
        if (threads <= 1)
        {
            var scanner = storage.Scanner(StorageMetric);
            for (int q = 0; q < n; q++)
                SearchOne(scanner, queries.Slice(q * Dimension, Dimension), k, nprobe, options.Filter, distances.Slice(q * k, k), ids.Slice(q * k, k));
            return;
        }
        var all = queries.ToArray();
        var outDistances = new float[n * k];
        var outIds = new long[n * k];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => storage.Scanner(StorageMetric), (q, _, scanner) =>
        {
            SearchOne(scanner, all.AsSpan(q * Dimension, Dimension), k, nprobe, options.Filter, outDistances.AsSpan(q * k, k), outIds.AsSpan(q * k, k));
            return scanner;
        }, _ => { });
        outDistances.CopyTo(distances);
        outIds.CopyTo(ids);
    }

    [ThreadStatic] static TopK<long>? probeHeap, resultHeap;
    [ThreadStatic] static float[]? coarseBuffer;

    void SearchOne(ListScanner scanner, ReadOnlySpan<float> query, int k, int nprobe, IdFilter? filter, Span<float> distances, Span<long> ids)
    {
        // The nprobe nearest centroids by the index's own metric: -q·c for inner product, ‖c‖² - 2q·c + ‖q‖² for L2.
        var probes = probeHeap ??= new TopK<long>(nprobe);
        probes.Reset(nprobe);
        var coarse = coarseBuffer is { } buffer && buffer.Length >= lists.Length ? buffer : coarseBuffer = new float[lists.Length];
        Span<float> probeDistances = stackalloc float[nprobe];
        Span<long> probeLists = stackalloc long[nprobe];
        bool l2 = StorageMetric == Metric.L2;
        float queryNorm = l2 ? TensorPrimitives.Dot(query, query) : 0;
        fixed (float* q = query, columns = centroidColumns, products = coarse)
            TransposedDot.Compute(q, columns, Dimension, columnStride, lists.Length, products, Simd.Best);
        var distances0 = coarse.AsSpan(0, lists.Length);
        // ‖q‖² is added after the selection: the same for every list, it changes no ranking.
        if (l2) TensorPrimitives.MultiplyAdd(distances0, -2f, centroidNorms, distances0);
        else TensorPrimitives.Negate(distances0, distances0);
        KeepBest.Run(distances0, null, probes, null, Simd.Best);
        probes.Drain(probeDistances, probeLists);
        if (l2) for (int p = 0; p < nprobe; p++) probeDistances[p] += queryNorm;
        scanner.SetQuery(query);
        var heap = resultHeap ??= new TopK<long>(k);
        heap.Reset(k);
        for (int p = 0; p < nprobe; p++)
        {
            int list = (int)probeLists[p];
            if (list < 0) break;
            var cell = lists[list];
            if (cell.Count == 0) continue;
            scanner.SetList(centroids.AsSpan(list * Dimension, Dimension), probeDistances[p]);
            scanner.Scan(cell, heap, filter);
        }
        heap.Drain(distances, ids);
    }

    /// <summary>Removes from every cell by moving each cell's last entry into the hole. Needs exclusive access.</summary>
    protected override long RemoveCore(HashSet<long> ids)
    {
        long removed = 0;
        foreach (var list in lists) removed += list.RemoveWhere(ids);
        return removed;
    }

    internal override void WriteBody(IndexWriter writer)
    {
        writer.String(storage.Token);
        writer.Int(lists.Length);
        writer.Int(NProbe);
        writer.Int(Seed);
        writer.Int(centroids.Length);
        writer.Array<float>("centroids", () => centroids);
        storage.Write(writer);
        foreach (var list in lists) writer.Int(list.Count);
        writer.Section("list ids", s => { foreach (var list in lists) s.Write(MemoryMarshal.AsBytes(list.Ids)); });
        writer.Section("list codes", s => { foreach (var list in lists) s.Write(list.Codes); });
    }

    internal static IvfIndex ReadBody(IndexReader reader, int dimension, Metric metric)
    {
        string token = reader.String("IVF storage");
        int listCount = reader.Int("IVF list count", 1, 1 << 24);
        int nprobe = reader.Int("nprobe", 1);
        int seed = reader.Int("seed");
        var storage = ListStorage.Parse(token, dimension, out string? error);
        if (storage is null) return FileThrow.Corrupt<IvfIndex>(reader.Path, error!);
        var index = new IvfIndex(dimension, metric, listCount, storage, nprobe, seed);
        int centroidFloats = reader.Int("centroid floats", 0);
        if (centroidFloats != 0 && centroidFloats != listCount * dimension)
            FileThrow.Corrupt(reader.Path, $"{centroidFloats} centroid values for {listCount} lists of dimension {dimension}");
        index.centroids = reader.Array<float>("centroids", centroidFloats).ToArray();
        if (centroidFloats > 0) index.PrepareCoarse();
        if (centroidFloats > 0 && index.storage is PqStorage or FastScanStorage) index.storage.Read(reader);
        var counts = new int[listCount];
        long total = 0;
        for (int l = 0; l < listCount; l++) total += counts[l] = reader.Int("IVF list length", 0);
        int codeSize = index.storage.CodeSize;
        long* ids = reader.Values<long>("list ids", total);
        byte* codes = reader.Values<byte>("list codes", total * codeSize);
        long at = 0;
        for (int l = 0; l < listCount; l++)
        {
            index.lists[l].Load(new ReadOnlySpan<long>(ids + at, counts[l]).ToArray(), new ReadOnlySpan<byte>(codes + at * codeSize, checked(counts[l] * codeSize)).ToArray());
            at += counts[l];
        }
        return index;
    }
}
