using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tandem.Tensors;

/// <summary>
/// The <see cref="K"/> smallest (key, id) pairs of a stream, the one top-K of the library: nearest
/// neighbours by distance, best items by negated score (push <c>-score</c> to keep the largest scores),
/// the HNSW result list. Pairs are ordered by key, then by id, so the kept set does not depend on the
/// order the pairs arrive in, nor on how a stream was split over threads and <see cref="Merge"/>d back.
/// A binary max-heap whose root is the worst pair kept, so most pairs are turned away by one comparison
/// with <see cref="Threshold"/>. With K = <see cref="int.MaxValue"/> it is an unbounded priority queue
/// whose <see cref="RemoveLargest"/> pops the largest pair (the HNSW candidate queue, keyed by negated
/// distance). NaN keys are never kept. Not thread-safe: one instance per thread.
/// </summary>
/// <typeparam name="TId">The id type: <see cref="int"/> or <see cref="long"/>; -1 pads short results.</typeparam>
public sealed class TopK<TId> where TId : struct, IBinaryInteger<TId>, ISignedNumber<TId>
{
    float[] keys = [];
    TId[] ids = [];
    float threshold;

    /// <summary>An empty selection of at most <paramref name="k"/> pairs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public TopK(int k) => Reset(k);

    /// <summary>How many pairs are kept at most.</summary>
    public int K { get; private set; }

    /// <summary>How many pairs are kept now.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// A key above this cannot enter: +inf until K pairs are kept, then the worst kept key (a key equal
    /// to it enters only with a lower id). NaN when K is 0, so that no key passes a comparison with it.
    /// </summary>
    public float Threshold
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => threshold;
    }

    /// <summary>The largest key kept (the worst of a top-K); valid when <see cref="Count"/> is positive.</summary>
    public float Largest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => keys[0];
    }

    /// <summary>The id of <see cref="Largest"/>; valid when <see cref="Count"/> is positive.</summary>
    public TId LargestId
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ids[0];
    }

    /// <summary>Empties the selection and bounds it to <paramref name="k"/> pairs; keeps its buffers.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public void Reset(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        K = k;
        Count = 0;
        threshold = k > 0 ? float.PositiveInfinity : float.NaN;
    }

    /// <summary>Offers a pair: kept when fewer than K are kept, or when it is smaller than the worst kept pair, which it then replaces.</summary>
    // Only the tests are inlined: in a scan most pairs are turned away, and the rare heap work is a call
    // away, so the scan loops that call this stay small.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float key, TId id)
    {
        if (Count < K) Insert(key, id);
        else if (key < threshold || (key == threshold && id < ids[0])) ReplaceLargest(key, id);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void Insert(float key, TId id)
    {
        if (float.IsNaN(key)) return;
        if (Count == keys.Length) Grow();
        SiftUp(Count++, key, id);
        if (Count == K) threshold = keys[0];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    void ReplaceLargest(float key, TId id)
    {
        SiftDown(key, id, Count);
        threshold = keys[0];
    }

    /// <summary>Removes the largest pair (<see cref="Largest"/>); <see cref="Count"/> must be positive.</summary>
    public void RemoveLargest()
    {
        int last = --Count;
        if (last > 0) SiftDown(keys[last], ids[last], last);
        threshold = float.PositiveInfinity;
    }

    /// <summary>Offers every pair <paramref name="other"/> keeps; <paramref name="other"/> is left as it was.</summary>
    public void Merge(TopK<TId> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < other.Count; i++) Push(other.keys[i], other.ids[i]);
    }

    /// <summary>
    /// Writes the kept pairs smallest first (equal keys by lower id) to the start of the spans, fills
    /// the rest of <paramref name="destinationKeys"/> with +inf and of <paramref name="destinationIds"/>
    /// with -1, empties the selection and returns how many pairs it kept.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <see cref="Count"/>.</exception>
    public int Drain(Span<float> destinationKeys, Span<TId> destinationIds)
    {
        int kept = Count;
        if (destinationKeys.Length < kept || destinationIds.Length < kept)
            throw new ArgumentException($"Drain needs room for {kept} pairs, got {destinationKeys.Length} keys and {destinationIds.Length} ids.");
        destinationKeys[kept..].Fill(float.PositiveInfinity);
        destinationIds[kept..].Fill(TId.NegativeOne);
        for (int last = kept - 1; last >= 0; last--)
        {
            destinationKeys[last] = keys[0];
            destinationIds[last] = ids[0];
            RemoveLargest();
        }
        return kept;
    }

    void Grow()
    {
        int size = (int)Math.Min(Math.Max(16L, 2L * keys.Length), Math.Min(K, Array.MaxLength));
        Array.Resize(ref keys, size);
        Array.Resize(ref ids, size);
    }

    /// <summary>Whether pair a comes after pair b: a larger key, or an equal key and a larger id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool After(float keyA, TId idA, float keyB, TId idB) => keyA > keyB || (keyA == keyB && idA > idB);

    /// <summary>Places the pair at free slot <paramref name="i"/>, moving larger parents down.</summary>
    void SiftUp(int i, float key, TId id)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!After(key, id, keys[parent], ids[parent])) break;
            keys[i] = keys[parent];
            ids[i] = ids[parent];
            i = parent;
        }
        keys[i] = key;
        ids[i] = id;
    }

    /// <summary>Places the pair at the root of a heap of <paramref name="n"/> slots, moving larger children up.</summary>
    void SiftDown(float key, TId id, int n)
    {
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && After(keys[child + 1], ids[child + 1], keys[child], ids[child])) child++;
            if (!After(keys[child], ids[child], key, id)) break;
            keys[i] = keys[child];
            ids[i] = ids[child];
            i = child;
        }
        keys[i] = key;
        ids[i] = id;
    }
}
