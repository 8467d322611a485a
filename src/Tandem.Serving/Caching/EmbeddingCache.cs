namespace Tandem.Serving.Caching;

/// <summary>
/// A bounded in-process cache of embeddings: least recently used entries are evicted beyond
/// <see cref="Capacity"/> entries or <see cref="MaxBytes"/> bytes (keys, vectors and the cache's own
/// bookkeeping, estimated), and an entry older than the time-to-live is a miss. Thread-safe (one
/// lock; every operation is a dictionary lookup and a list splice).
/// </summary>
public sealed class EmbeddingCache
{
    readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    readonly LinkedList<Entry> recency = new();
    readonly TimeProvider clock;
    readonly Lock gate = new();
    long bytes;

    /// <summary>Bytes an entry costs beyond its key's characters and its vector's floats: the list node, the dictionary slot and two object headers.</summary>
    public const int EntryOverhead = 160;

    /// <summary>A cache of at most <paramref name="capacity"/> entries and <paramref name="maxBytes"/> bytes, each entry valid for <paramref name="ttl"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The capacity, byte bound or time-to-live is not positive.</exception>
    public EmbeddingCache(int capacity, long maxBytes, TimeSpan ttl, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        Capacity = capacity;
        MaxBytes = maxBytes;
        Ttl = ttl;
        this.clock = clock ?? TimeProvider.System;
    }

    /// <summary>Most entries kept.</summary>
    public int Capacity { get; }
    /// <summary>Most bytes kept (as <see cref="Bytes"/> counts them).</summary>
    public long MaxBytes { get; }
    /// <summary>Bytes held: per entry, 2 per key character, 4 per float and <see cref="EntryOverhead"/>.</summary>
    public long Bytes { get { lock (gate) return bytes; } }
    /// <summary>How long an entry stays valid.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Entries held (expired ones included until they are looked up or evicted).</summary>
    public int Count { get { lock (gate) return entries.Count; } }

    /// <summary>The vector under <paramref name="key"/> if present and fresh; marks it most recently used.</summary>
    public bool TryGet(string key, out float[] vector)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node))
            {
                if (clock.GetUtcNow() - node.Value.Added < Ttl)
                {
                    recency.Remove(node);
                    recency.AddFirst(node);
                    vector = node.Value.Vector;
                    return true;
                }
                Remove(node);
            }
        }
        vector = [];
        return false;
    }

    /// <summary>Stores <paramref name="vector"/> under <paramref name="key"/>, evicting least recently used entries while full; an entry larger than the whole cache is not kept.</summary>
    public void Set(string key, float[] vector)
    {
        long cost = Cost(key, vector);
        lock (gate)
        {
            if (entries.TryGetValue(key, out var old)) Remove(old);
            if (cost > MaxBytes) return;
            while (entries.Count >= Capacity || bytes + cost > MaxBytes) Remove(recency.Last!);
            entries[key] = recency.AddFirst(new Entry(key, vector, clock.GetUtcNow()));
            bytes += cost;
        }
    }

    static long Cost(string key, float[] vector) => 2L * key.Length + 4L * vector.Length + EntryOverhead;

    void Remove(LinkedListNode<Entry> node)
    {
        recency.Remove(node);
        entries.Remove(node.Value.Key);
        bytes -= Cost(node.Value.Key, node.Value.Vector);
    }

    /// <summary>Drops every entry (a new model makes them useless).</summary>
    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
            recency.Clear();
            bytes = 0;
        }
    }

    readonly record struct Entry(string Key, float[] Vector, DateTimeOffset Added);
}
