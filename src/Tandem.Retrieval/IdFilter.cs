namespace Tandem.Retrieval;

/// <summary>
/// Which ids a search may return; indexes apply it inside the search so K allowed results
/// still come back when K exist. Implementations must be safe to call from several threads.
/// </summary>
public abstract class IdFilter
{
    /// <summary>True when <paramref name="id"/> may appear in results.</summary>
    public abstract bool Allows(long id);

    /// <summary>A filter that calls <paramref name="predicate"/> for every candidate id (e.g. in stock, not already seen).</summary>
    public static IdFilter Where(Func<long, bool> predicate) => new PredicateFilter(predicate);

    /// <summary>An allow-list bitmap holding exactly <paramref name="ids"/>.</summary>
    public static IdBitmap AllowOnly(ReadOnlySpan<long> ids)
    {
        long max = -1;
        foreach (long id in ids) max = Math.Max(max, id);
        var bitmap = new IdBitmap(max + 1);
        foreach (long id in ids) bitmap.Set(id);
        return bitmap;
    }

    sealed class PredicateFilter(Func<long, bool> predicate) : IdFilter
    {
        public override bool Allows(long id) => predicate(id);
    }
}

/// <summary>An allow-list over ids <c>0 .. Capacity-1</c>, one bit per id; ids outside it are not allowed.</summary>
public sealed class IdBitmap : IdFilter
{
    readonly ulong[] words;

    /// <summary>An empty bitmap able to hold ids below <paramref name="capacity"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public IdBitmap(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        words = new ulong[(capacity + 63) >> 6];
    }

    /// <summary>One more than the largest id this bitmap can hold.</summary>
    public long Capacity { get; }

    /// <summary>Allows <paramref name="id"/>. Not safe concurrently with searches that use this bitmap.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside 0 .. Capacity-1.</exception>
    public void Set(long id)
    {
        if ((ulong)id >= (ulong)Capacity)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Id must be in 0..{Capacity - 1} for this bitmap.");
        words[id >> 6] |= 1UL << (int)(id & 63);
    }

    /// <summary>Disallows <paramref name="id"/>; ids outside the bitmap are ignored.</summary>
    public void Clear(long id)
    {
        if ((ulong)id < (ulong)Capacity) words[id >> 6] &= ~(1UL << (int)(id & 63));
    }

    /// <inheritdoc/>
    public override bool Allows(long id) => (ulong)id < (ulong)Capacity && (words[id >> 6] & (1UL << (int)(id & 63))) != 0;
}
