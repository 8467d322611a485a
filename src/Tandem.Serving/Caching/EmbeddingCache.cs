namespace Tandem.Serving.Caching;

/// <summary>
/// A bounded in-process cache of embeddings: least recently used entries are evicted beyond
/// <see cref="Capacity"/>, and an entry older than the time-to-live is a miss. Thread-safe (one lock;
/// every operation is a dictionary lookup and a list splice).
/// </summary>
public sealed class EmbeddingCache
{
    readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    readonly LinkedList<Entry> recency = new();
    readonly TimeProvider clock;
    readonly Lock gate = new();

    /// <summary>A cache of at most <paramref name="capacity"/> entries, each valid for <paramref name="ttl"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The capacity or time-to-live is not positive.</exception>
    public EmbeddingCache(int capacity, TimeSpan ttl, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        Capacity = capacity;
        Ttl = ttl;
        this.clock = clock ?? TimeProvider.System;
    }

    /// <summary>Most entries kept.</summary>
    public int Capacity { get; }
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
                recency.Remove(node);
                entries.Remove(key);
            }
        }
        vector = [];
        return false;
    }

    /// <summary>Stores <paramref name="vector"/> under <paramref name="key"/>, evicting the least recently used entry when full.</summary>
    public void Set(string key, float[] vector)
    {
        lock (gate)
        {
            if (entries.Remove(key, out var old)) recency.Remove(old);
            else if (entries.Count >= Capacity)
            {
                var last = recency.Last!;
                recency.RemoveLast();
                entries.Remove(last.Value.Key);
            }
            entries[key] = recency.AddFirst(new Entry(key, vector, clock.GetUtcNow()));
        }
    }

    /// <summary>Drops every entry (a new model makes them useless).</summary>
    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
            recency.Clear();
        }
    }

    readonly record struct Entry(string Key, float[] Vector, DateTimeOffset Added);
}
