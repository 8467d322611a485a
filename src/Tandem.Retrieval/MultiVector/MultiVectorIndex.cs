using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Tandem.IO;
using Tandem.Retrieval.Kernels;
using Tandem.Retrieval.Persistence;
using Tandem.Tensors;
using Tandem.Tensors.Kernels;
using TensorKernels = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Retrieval.MultiVector;

/// <summary>
/// A late-interaction index in the manner of PLAID (Santhanam et al., 2022): an item is a set of token
/// vectors, scored against a query's vectors by MaxSim, <c>Σ_q max_t q·t</c>. Token vectors are assigned
/// to centroids learned by k-means (the IVF machinery, <see cref="KMeans"/>). A search (1) takes each query
/// vector's <see cref="NProbe"/> nearest centroids and every item with a token in one of them, (2) scores
/// those by centroids alone (<c>Σ_q max_t q·c(t)</c>) and keeps the best <see cref="Candidates"/>, and
/// (3) decodes their tokens (centroid + PQ residual) and ranks them by MaxSim. A token is stored as a
/// 2-byte centroid code and a PQ code of its residual (<see cref="ProductQuantizer"/>), or as floats with
/// Flat storage. Scores are inner products: the encoder is expected to L2-normalise its vectors.
/// Thread safety: Search and Score with each other are safe; Train, Add and Remove need exclusive access.
/// </summary>
public sealed class MultiVectorIndex
{
    internal const string KindTag = "MultiVector";
    const int MaxPqTrainingTokens = 1 << 16;

    float[] centroids = [];
    readonly ProductQuantizer? pq;
    readonly List<int>[] lists;
    readonly List<long> itemIds = [];
    readonly List<int> firstToken = [0];
    readonly List<bool> removed = [];
    readonly List<ushort> tokenCentroids = [];
    readonly List<byte> tokenCodes = [];
    readonly Dictionary<long, int> slotOf = [];

    /// <summary>
    /// An empty index of <paramref name="dimension"/>-wide token vectors over <paramref name="lists"/> centroids (at most 65,536),
    /// storing residuals as PQ codes of <paramref name="subQuantizers"/> bytes, or full floats when it is 0.
    /// </summary>
    /// <exception cref="TandemException">A count is out of range, or the dimension is not a multiple of the sub-quantiser count.</exception>
    public MultiVectorIndex(int dimension, int lists, int subQuantizers, int nprobe = 4, int candidates = 256, int seed = 0, string model = "")
    {
        if (dimension <= 0) RetrievalThrow.Input($"A multi-vector index needs a positive dimension, got {dimension}.");
        if (lists is < 1 or > 1 << 16) RetrievalThrow.Input($"A multi-vector index needs 1..65536 centroids, got {lists}.");
        if (subQuantizers < 0) RetrievalThrow.Input($"PQ{subQuantizers}: the sub-quantiser count must be positive (or 0 for Flat storage).");
        if (nprobe < 1 || candidates < 1) RetrievalThrow.Input($"nprobe ({nprobe}) and candidates ({candidates}) must be at least 1.");
        Dimension = dimension;
        pq = subQuantizers > 0 ? new ProductQuantizer(dimension, subQuantizers) : null;
        this.lists = new List<int>[lists];
        for (int l = 0; l < lists; l++) this.lists[l] = [];
        (NProbe, Candidates, Seed, Model) = (nprobe, candidates, seed, model ?? "");
    }

    /// <summary>Length of every token vector.</summary>
    public int Dimension { get; }

    /// <summary>Number of centroids.</summary>
    public int Lists => lists.Length;

    /// <summary>Centroids probed per query vector by default; settable between searches.</summary>
    public int NProbe { get; set; }

    /// <summary>Candidates kept by the centroid-only score for exact MaxSim by default; settable between searches.</summary>
    public int Candidates { get; set; }

    /// <summary>Seed of k-means and PQ training.</summary>
    public int Seed { get; }

    /// <summary>What produced the vectors (e.g. a model file's name and its multi-vector width); checked by <see cref="Load"/>. Empty when not set.</summary>
    public string Model { get; }

    /// <summary>Bytes per stored token: the 2-byte centroid code and the residual's PQ code, or the floats.</summary>
    public int TokenBytes => sizeof(ushort) + CodeSize;

    int CodeSize => pq?.SubQuantizers ?? Dimension * sizeof(float);

    /// <summary>E.g. <c>MV1024,PQ16</c> or <c>MV256,Flat</c>.</summary>
    public string Spec => $"MV{lists.Length},{(pq is null ? "Flat" : $"PQ{pq.SubQuantizers}")}";

    /// <summary>True once centroids (and codebooks) are learned.</summary>
    public bool IsTrained => centroids.Length > 0 && (pq?.IsTrained ?? true);

    /// <summary>Live (not removed) items.</summary>
    public long Count => slotOf.Count;

    /// <summary>Token vectors stored, removed items' included.</summary>
    public long Tokens => tokenCentroids.Count;

    /// <summary>
    /// Memory per live item, in bytes: its tokens (<see cref="TokenBytes"/> each), its id, token offset and
    /// removed flag (13 bytes) and its inverted-list entries (4 bytes per distinct centroid), centroids and codebooks excluded.
    /// </summary>
    public double BytesPerItem
    {
        get
        {
            if (Count == 0) return 0;
            long entries = 0;
            foreach (var list in lists) entries += list.Count;
            return ((double)Tokens * TokenBytes + itemIds.Count * 13.0 + entries * sizeof(int)) / Count;
        }
    }

    /// <summary>Learns the centroids by spherical k-means on token vectors, then the residuals' PQ codebooks. Needs exclusive access.</summary>
    /// <exception cref="TandemException">Fewer token vectors than centroids (or than 256 for PQ).</exception>
    /// <exception cref="ArgumentException">The span is not a whole number of vectors.</exception>
    public void Train(ReadOnlySpan<float> tokens)
    {
        int n = Rows(tokens, "training token vectors");
        if (n < lists.Length) RetrievalThrow.Input($"{Spec} needs at least {lists.Length} training token vectors, got {n}.");
        if (pq is not null && n < pq.CodebookSize) RetrievalThrow.Input($"{Spec} needs at least {pq.CodebookSize} training token vectors for its PQ codebooks, got {n}.");
        centroids = KMeans.Train(tokens, Dimension, lists.Length, new KMeansOptions { Seed = Seed, Spherical = true });
        if (pq is null) return;
        var residuals = tokens[..(Math.Min(n, MaxPqTrainingTokens) * Dimension)].ToArray();
        KMeans.SubtractAssigned(residuals, centroids, Dimension, KMeans.Assign(residuals, centroids, Dimension));
        pq.Train(residuals, Seed + 1);
    }

    /// <summary>
    /// Adds items: item i has <c>counts[i]</c> token vectors, taken in order from <paramref name="tokens"/>, and id
    /// <c>ids[i]</c>. Needs exclusive access.
    /// </summary>
    /// <exception cref="TandemException">An id is negative or already present, or an item has no token vectors.</exception>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    /// <exception cref="InvalidOperationException">The index is not trained.</exception>
    public void Add(ReadOnlySpan<float> tokens, ReadOnlySpan<int> counts, ReadOnlySpan<long> ids)
    {
        int n = Rows(tokens, "token vectors");
        if (counts.Length != ids.Length) RetrievalThrow.Argument($"Add got {counts.Length} token counts but {ids.Length} ids; pass one of each per item.");
        long total = 0;
        var seen = new HashSet<long>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0) RetrievalThrow.Input($"Id {ids[i]} is negative; ids must be >= 0 (-1 pads missing results).");
            if (counts[i] < 1) RetrievalThrow.Input($"Item {ids[i]} has {counts[i]} token vectors; every item needs at least one (drop it, or give it a placeholder token).");
            if (slotOf.ContainsKey(ids[i]) || !seen.Add(ids[i])) RetrievalThrow.Input($"Id {ids[i]} is already in the multi-vector index; remove it first to replace it.");
            total += counts[i];
        }
        if (total != n) RetrievalThrow.Argument($"The token counts add up to {total} but {n} token vectors were given.");
        if (!IsTrained) RetrievalThrow.InvalidOperation($"The {Spec} index must be trained before adding items; call Train first.");
        if (n == 0) return;
        var assignment = KMeans.Assign(tokens, centroids, Dimension);
        var codes = new byte[(long)n * CodeSize];
        if (pq is null) MemoryMarshal.AsBytes(tokens).CopyTo(codes);
        else
        {
            var residuals = tokens.ToArray();
            KMeans.SubtractAssigned(residuals, centroids, Dimension, assignment);
            pq.Encode(residuals, codes);
        }
        int at = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            int slot = itemIds.Count;
            itemIds.Add(ids[i]);
            removed.Add(false);
            slotOf[ids[i]] = slot;
            for (int t = at; t < at + counts[i]; t++)
            {
                int c = assignment[t];
                tokenCentroids.Add((ushort)c);
                var list = lists[c];
                if (list.Count == 0 || list[^1] != slot) list.Add(slot); // tokens of one item in one cell: one entry
            }
            tokenCodes.AddRange(codes.AsSpan(at * CodeSize, counts[i] * CodeSize));
            at += counts[i];
            firstToken.Add(firstToken[slot] + counts[i]);
        }
    }

    /// <summary>Removes the listed ids (soft delete: their storage stays until the index is rebuilt); returns how many were present. Needs exclusive access.</summary>
    public long Remove(ReadOnlySpan<long> ids)
    {
        long count = 0;
        foreach (long id in ids)
            if (slotOf.Remove(id, out int slot)) { removed[slot] = true; count++; }
        return count;
    }

    /// <summary>True when <paramref name="id"/> is a live item.</summary>
    public bool Contains(long id) => slotOf.ContainsKey(id);

    /// <summary>
    /// The best <paramref name="k"/> items for a query of <c>query.Length / Dimension</c> vectors by MaxSim over their stored
    /// (decoded) tokens, best first, into <paramref name="scores"/> and <paramref name="ids"/>; returns how many were found
    /// (the rest padded with -inf and -1). Safe concurrently with other searches and scores.
    /// </summary>
    /// <exception cref="ArgumentException">The query is empty or not a whole number of vectors, <paramref name="k"/> is not positive, or the outputs are short.</exception>
    /// <exception cref="TandemException">An option is negative.</exception>
    /// <exception cref="InvalidOperationException">The index is not trained.</exception>
    public int Search(ReadOnlySpan<float> query, int k, Span<float> scores, Span<long> ids, MultiVectorSearchOptions options = default)
    {
        int nq = Rows(query, "query vectors");
        if (nq == 0) RetrievalThrow.Argument("A multi-vector query needs at least one vector.");
        if (k <= 0) RetrievalThrow.Argument($"k must be positive, got {k}.");
        if (scores.Length < k || ids.Length < k) RetrievalThrow.Argument($"Search for k={k} needs {k} scores and ids, got {scores.Length} and {ids.Length}.");
        if (options.NProbe < 0 || options.Candidates < 0) RetrievalThrow.Input($"Search options must not be negative: NProbe={options.NProbe}, Candidates={options.Candidates}.");
        if (!IsTrained) RetrievalThrow.InvalidOperation($"The {Spec} index must be trained before searching.");
        int nprobe = Math.Min(options.NProbe > 0 ? options.NProbe : NProbe, lists.Length);
        int keep = options.Candidates > 0 ? options.Candidates : Candidates;
        var scratch = Scratch.For(this, nq);
        var probed = CentroidScores(query, nq, scratch);
        var candidates = Probe(probed, nq, nprobe, options.Filter, scratch);
        if (candidates.Count > keep) candidates = Prune(candidates, probed, nq, keep, scratch);
        var exact = scratch.Scores(candidates.Count);
        ExactScores(query, nq, CollectionsMarshal.AsSpan(candidates), exact, scratch);
        var heap = scratch.Results;
        heap.Reset(k);
        for (int i = 0; i < candidates.Count; i++) heap.Push(-exact[i], itemIds[candidates[i]]);
        int found = heap.Count;
        heap.Drain(scores[..k], ids[..k]);
        for (int i = 0; i < k; i++) scores[i] = -scores[i];
        return found;
    }

    /// <summary>
    /// MaxSim of the query against each listed item's stored tokens: <c>scores[i]</c> for <c>ids[i]</c>, -inf for an id
    /// not in the index (an item with no tokens). The re-ranking path. Safe concurrently with searches.
    /// </summary>
    /// <exception cref="ArgumentException">The query is empty or not a whole number of vectors, or the lengths disagree.</exception>
    public void Score(ReadOnlySpan<float> query, ReadOnlySpan<long> ids, Span<float> scores)
    {
        int nq = Rows(query, "query vectors");
        if (nq == 0) RetrievalThrow.Argument("A multi-vector query needs at least one vector.");
        if (scores.Length != ids.Length) RetrievalThrow.Argument($"Score got {ids.Length} ids but room for {scores.Length} scores.");
        var scratch = Scratch.For(this, nq);
        var slots = scratch.Kept;
        slots.Clear();
        foreach (long id in ids)
            if (slotOf.TryGetValue(id, out int slot)) slots.Add(slot);
        var exact = scratch.Scores(slots.Count);
        ExactScores(query, nq, CollectionsMarshal.AsSpan(slots), exact, scratch);
        for (int i = 0, at = 0; i < ids.Length; i++) scores[i] = slotOf.ContainsKey(ids[i]) ? exact[at++] : float.NegativeInfinity;
    }

    /// <summary>Query-centroid products, centroid-major: <c>[c * nq + q] = centroid_c · query_q</c>.</summary>
    float[] CentroidScores(ReadOnlySpan<float> query, int nq, Scratch scratch)
    {
        var products = scratch.Products;
        Gemm.Multiply(centroids, query[..(nq * Dimension)], products.AsSpan(0, lists.Length * nq), lists.Length, nq, Dimension, false, true, 1f, false, Simd.Best, 1);
        return products;
    }

    /// <summary>The live, allowed items with a token in one of each query vector's <paramref name="nprobe"/> best centroids.</summary>
    List<int> Probe(float[] products, int nq, int nprobe, IdFilter? filter, Scratch scratch)
    {
        var probes = scratch.Probes;
        var candidates = scratch.Candidates;
        candidates.Clear();
        int stamp = scratch.NextStamp();
        var marks = scratch.Marks;
        for (int q = 0; q < nq; q++)
        {
            probes.Reset(nprobe);
            for (int c = 0; c < lists.Length; c++) probes.Push(-products[c * nq + q], c);
            while (probes.Count > 0)
            {
                int c = probes.LargestId;
                probes.RemoveLargest();
                foreach (int slot in lists[c])
                {
                    if (marks[slot] == stamp) continue;
                    marks[slot] = stamp;
                    if (!removed[slot] && (filter is null || filter.Allows(itemIds[slot]))) candidates.Add(slot);
                }
            }
        }
        return candidates;
    }

    /// <summary>The <paramref name="keep"/> candidates with the best centroid-only MaxSim, <c>Σ_q max_t q·c(t)</c>.</summary>
    List<int> Prune(List<int> candidates, float[] products, int nq, int keep, Scratch scratch)
    {
        var heap = scratch.Pruning;
        heap.Reset(keep);
        var maxes = scratch.Maxes.AsSpan(0, nq);
        var codes = CollectionsMarshal.AsSpan(tokenCentroids);
        foreach (int slot in candidates)
        {
            maxes.Fill(float.NegativeInfinity);
            for (int t = firstToken[slot]; t < firstToken[slot + 1]; t++)
                TensorPrimitives.Max(maxes, products.AsSpan(codes[t] * nq, nq), maxes);
            heap.Push(-TensorPrimitives.Sum(maxes), slot);
        }
        var kept = scratch.Kept;
        kept.Clear();
        while (heap.Count > 0) { kept.Add(heap.LargestId); heap.RemoveLargest(); }
        return kept;
    }

    /// <summary>MaxSim of the query against each slot's decoded tokens: <c>scores[i]</c> for <c>slots[i]</c>, in one call of the MaxSim kernel.</summary>
    void ExactScores(ReadOnlySpan<float> query, int nq, ReadOnlySpan<int> slots, Span<float> scores, Scratch scratch)
    {
        var offsets = scratch.Offsets(slots.Length + 1);
        for (int i = 0; i < slots.Length; i++) offsets[i + 1] = offsets[i] + firstToken[slots[i] + 1] - firstToken[slots[i]];
        var tokens = scratch.Decoded(offsets[^1] * Dimension);
        for (int i = 0; i < slots.Length; i++)
            Decode(firstToken[slots[i]], offsets[i + 1] - offsets[i], tokens[(offsets[i] * Dimension)..]);
        TensorKernels.MaxSim(query, nq, tokens, offsets, Dimension, scores);
    }

    /// <summary>Token vectors <paramref name="first"/>.. as stored: the floats (Flat), or centroid + decoded PQ residual.</summary>
    void Decode(int first, int count, Span<float> destination)
    {
        var codes = CollectionsMarshal.AsSpan(tokenCodes).Slice(first * CodeSize, count * CodeSize);
        if (pq is null)
        {
            MemoryMarshal.Cast<byte, float>(codes).CopyTo(destination);
            return;
        }
        var centroidCodes = CollectionsMarshal.AsSpan(tokenCentroids);
        for (int t = 0; t < count; t++)
        {
            var row = destination.Slice(t * Dimension, Dimension);
            pq.Decode(codes.Slice(t * CodeSize, CodeSize), row);
            TensorPrimitives.Add(row, centroids.AsSpan(centroidCodes[first + t] * Dimension, Dimension), row);
        }
    }

    int Rows(ReadOnlySpan<float> vectors, string what)
    {
        if (vectors.Length % Dimension != 0)
            RetrievalThrow.Argument($"The {what} hold {vectors.Length} floats, not a whole number of {Dimension}-dimensional vectors.");
        return vectors.Length / Dimension;
    }

    /// <summary>Per-thread buffers of a search, grown to the largest query and item seen.</summary>
    sealed class Scratch
    {
        [ThreadStatic] static Scratch? current;
        int stamp;
        float[] decoded = [], scores = [];
        int[] offsets = [];

        public float[] Products = [];
        public float[] Maxes = [];
        public int[] Marks = [];
        public readonly TopK<int> Probes = new(1), Pruning = new(1);
        public readonly TopK<long> Results = new(1);
        public readonly List<int> Candidates = [], Kept = [];

        public static Scratch For(MultiVectorIndex index, int nq)
        {
            var s = current ??= new Scratch();
            if (s.Products.Length < index.lists.Length * nq) s.Products = new float[index.lists.Length * nq];
            if (s.Maxes.Length < nq) s.Maxes = new float[nq];
            if (s.Marks.Length < index.itemIds.Count) { s.Marks = new int[Math.Max(index.itemIds.Count, s.Marks.Length * 2)]; s.stamp = 0; }
            return s;
        }

        public int NextStamp()
        {
            if (++stamp == int.MaxValue) { Array.Clear(Marks); stamp = 1; }
            return stamp;
        }

        public Span<float> Decoded(int length) => (decoded.Length >= length ? decoded : decoded = new float[length]).AsSpan(0, length);

        public Span<float> Scores(int length) => (scores.Length >= length ? scores : scores = new float[length]).AsSpan(0, length);

        /// <summary>Room for <paramref name="length"/> offsets, the first set to 0.</summary>
        public Span<int> Offsets(int length)
        {
            var span = (offsets.Length >= length ? offsets : offsets = new int[length]).AsSpan(0, length);
            span[0] = 0;
            return span;
        }
    }

    /// <summary>Saves the index to <paramref name="path"/> atomically (an index file: magic, version, checksummed sections).</summary>
    /// <exception cref="TandemFileException">The file cannot be written; a previous file is left as it was.</exception>
    public void Save(string path)
    {
        var file = new TandemFileWriter(TandemFileKind.Index);
        var writer = new IndexWriter(file, "");
        writer.String(KindTag);
        writer.Int(Dimension);
        writer.String(Model);
        writer.Int(lists.Length);
        writer.Int(pq?.SubQuantizers ?? 0);
        writer.Int(NProbe);
        writer.Int(Candidates);
        writer.Int(Seed);
        writer.Int(itemIds.Count);
        writer.Int(tokenCentroids.Count);
        writer.Array<float>("centroids", () => centroids);
        if (pq is not null) writer.Array<float>("pq codebooks", () => pq.Codebooks);
        writer.Array<long>("item ids", () => CollectionsMarshal.AsSpan(itemIds));
        writer.Array<int>("first tokens", () => CollectionsMarshal.AsSpan(firstToken));
        writer.Array<bool>("removed", () => CollectionsMarshal.AsSpan(removed));
        writer.Array<ushort>("token centroids", () => CollectionsMarshal.AsSpan(tokenCentroids));
        writer.Array<byte>("token codes", () => CollectionsMarshal.AsSpan(tokenCodes));
        file.Save(path);
    }

    /// <summary>
    /// Loads an index saved by <see cref="Save"/>. With <paramref name="dimension"/> or <paramref name="model"/> set, a file
    /// built for another width or model is refused with an error naming the file.
    /// </summary>
    /// <exception cref="TandemFileException">The file is missing, not a multi-vector index, corrupt, or built for another width or model.</exception>
    public static MultiVectorIndex Load(string path, int? dimension = null, string? model = null)
    {
        using var file = TandemFileReader.Map(path, TandemFileKind.Index);
        var reader = new IndexReader(file, "", memoryMap: false);
        string kind = reader.String("kind");
        if (kind != KindTag) FileThrow.File(path, $"it is a single-vector index ({kind}), not a multi-vector one; load it with VectorIndex.Load");
        int d = reader.Int("dimension", 1, 1 << 16);
        string saved = reader.String("model");
        if (dimension is { } expected && expected != d)
            FileThrow.Mismatch(path, $"the multi-vector index holds {d}-wide token vectors but the model gives {expected}-wide ones; rebuild the index with this model");
        if (model is not null && model != saved)
            FileThrow.Mismatch(path, $"the multi-vector index was built for model '{saved}', not '{model}'; rebuild the index with this model");
        int listCount = reader.Int("list count", 1, 1 << 16);
        int m = reader.Int("sub-quantizers", 0, d);
        if (m > 0 && d % m != 0) FileThrow.Corrupt(path, $"PQ{m} does not divide dimension {d}");
        var index = new MultiVectorIndex(d, listCount, m, reader.Int("nprobe", 1), reader.Int("candidates", 1), reader.Int("seed"), saved);
        int items = reader.Int("item count", 0), tokens = reader.Int("token count", 0);
        reader.ExpectEnd();
        index.centroids = reader.Array<float>("centroids", listCount * d).ToArray();
        if (index.pq is { } quantizer) quantizer.SetCodebooks(reader.Array<float>("pq codebooks", m * quantizer.CodebookSize * (d / m)).ToArray());
        index.itemIds.AddRange(reader.Array<long>("item ids", items));
        index.firstToken.Clear();
        index.firstToken.AddRange(reader.Array<int>("first tokens", items + 1));
        index.removed.AddRange(reader.Array<bool>("removed", items));
        index.tokenCentroids.AddRange(reader.Array<ushort>("token centroids", tokens));
        index.tokenCodes.AddRange(reader.Array<byte>("token codes", checked(tokens * index.CodeSize)));
        index.Rebuild(path);
        return index;
    }

    /// <summary>The id lookup and inverted lists from the loaded arrays, each offset and code checked.</summary>
    void Rebuild(string path)
    {
        if (firstToken[0] != 0 || firstToken[^1] != tokenCentroids.Count) FileThrow.Corrupt(path, "the item token offsets do not cover the tokens");
        for (int slot = 0; slot < itemIds.Count; slot++)
        {
            if (firstToken[slot + 1] <= firstToken[slot]) FileThrow.Corrupt(path, $"item {itemIds[slot]} has no tokens");
            for (int t = firstToken[slot]; t < firstToken[slot + 1]; t++)
            {
                int c = tokenCentroids[t];
                if (c >= lists.Length) FileThrow.Corrupt(path, $"token {t} names centroid {c} of {lists.Length}");
                if (lists[c].Count == 0 || lists[c][^1] != slot) lists[c].Add(slot);
            }
            if (!removed[slot] && !slotOf.TryAdd(itemIds[slot], slot)) FileThrow.Corrupt(path, $"id {itemIds[slot]} appears twice");
        }
    }
}
