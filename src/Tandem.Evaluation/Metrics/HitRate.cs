namespace Tandem.Evaluation.Metrics;

/// <summary>
/// HitRate@K for one user: 1 if at least one relevant item is among the first K positions,
/// else 0. Averaged over users it is the share of users with a hit. NaN when there are no
/// relevant items (the evaluators skip such users).
/// </summary>
public static class HitRate
{
    /// <summary>HitRate@K of <paramref name="ranked"/> (best first; only the first K positions count) against <paramref name="relevant"/> (distinct item ids).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An id repeats in <paramref name="relevant"/>, or a relevant id repeats in <paramref name="ranked"/>.</exception>
    public static double AtK(ReadOnlySpan<int> ranked, ReadOnlySpan<int> relevant, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        using var hits = HitList.Find(ranked, relevant);
        return Core(hits.Ranks, relevant.Length, k);
    }

    /// <summary>HitRate@K from the 1-based ranks of the relevant items (ascending).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or <paramref name="relevantCount"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="ranks"/> are not distinct, ascending and 1-based, or outnumber <paramref name="relevantCount"/>.</exception>
    public static double FromRanks(ReadOnlySpan<int> ranks, int relevantCount, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        HitRanks.Validate(ranks, relevantCount);
        return Core(ranks, relevantCount, k);
    }

    internal static double Core(ReadOnlySpan<int> ranks, int relevantCount, int k) =>
        relevantCount == 0 ? double.NaN : ranks.Length > 0 && ranks[0] <= k ? 1 : 0;
}
