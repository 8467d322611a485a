using System.Buffers;

namespace Tandem.Evaluation.Metrics;

/// <summary>
/// The 1-based positions in a ranked list of the items that are relevant, ascending: the shared
/// first step of every list-based ranking metric. Buffers are rented; dispose to return them.
/// </summary>
ref struct HitList : IDisposable
{
    int[]? rented;

    /// <summary>Ascending 1-based positions of the relevant items found in the ranked list.</summary>
    public ReadOnlySpan<int> Ranks { get; private set; }

    /// <summary>Finds the hits of <paramref name="ranked"/> in <paramref name="relevant"/>.</summary>
    /// <exception cref="ArgumentException">An id repeats in <paramref name="relevant"/>, or a relevant id repeats in <paramref name="ranked"/>.</exception>
    public static HitList Find(ReadOnlySpan<int> ranked, ReadOnlySpan<int> relevant)
    {
        int hitCapacity = Math.Min(ranked.Length, relevant.Length);
        var buffer = ArrayPool<int>.Shared.Rent(relevant.Length * 2 + hitCapacity);
        var list = new HitList { rented = buffer };
        var sorted = buffer.AsSpan(0, relevant.Length);
        var seen = buffer.AsSpan(relevant.Length, relevant.Length);
        var hits = buffer.AsSpan(relevant.Length * 2, hitCapacity);
        relevant.CopyTo(sorted);
        sorted.Sort();
        seen.Clear();
        for (int i = 1; i < sorted.Length; i++)
            if (sorted[i] == sorted[i - 1])
            {
                list.Dispose();
                EvaluationThrow.Argument($"Relevant item {sorted[i]} is listed twice; pass each relevant item once.", nameof(relevant));
            }
        int count = 0;
        for (int position = 0; position < ranked.Length && count < hitCapacity; position++)
        {
            int at = sorted.BinarySearch(ranked[position]);
            if (at < 0) continue;
            if (seen[at] != 0)
            {
                list.Dispose();
                EvaluationThrow.Argument($"Item {ranked[position]} appears twice in the ranked list (again at position {position + 1}); a ranking lists each item once.", nameof(ranked));
            }
            seen[at] = 1;
            hits[count++] = position + 1;
        }
        list.Ranks = hits[..count];
        return list;
    }

    /// <summary>Returns the rented buffer.</summary>
    public void Dispose()
    {
        if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        rented = null;
        Ranks = default;
    }
}
