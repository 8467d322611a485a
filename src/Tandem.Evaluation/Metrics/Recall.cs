namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Recall@K for one user: <c>|relevant ∩ top K| / |relevant|</c>, the share of the user's relevant
/// items that the first K positions of the ranking retrieve. A user with more than K relevant
/// items cannot reach 1; <see cref="CappedAtK"/> divides by <c>min(|relevant|, K)</c> instead.
/// NaN when there are no relevant items (the evaluators skip such users).
/// </summary>
public static class Recall
{
    /// <summary>Recall@K of <paramref name="ranked"/> (best first; only the first K positions count) against <paramref name="relevant"/> (distinct item ids).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An id repeats in <paramref name="relevant"/>, or a relevant id repeats in <paramref name="ranked"/>.</exception>
    public static double AtK(ReadOnlySpan<int> ranked, ReadOnlySpan<int> relevant, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        using var hits = HitList.Find(ranked, relevant);
        return Core(hits.Ranks, relevant.Length, k);
    }

    /// <summary>Capped recall@K: <c>|relevant ∩ top K| / min(|relevant|, K)</c>, which reaches 1 whenever the top K is all relevant.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An id repeats in <paramref name="relevant"/>, or a relevant id repeats in <paramref name="ranked"/>.</exception>
    public static double CappedAtK(ReadOnlySpan<int> ranked, ReadOnlySpan<int> relevant, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        using var hits = HitList.Find(ranked, relevant);
        return relevant.Length == 0 ? double.NaN : (double)HitRanks.CountWithin(hits.Ranks, k) / Math.Min(relevant.Length, k);
    }

    /// <summary>Recall@K from the 1-based ranks of the relevant items (ascending; relevant items absent from the ranking are simply not listed).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or <paramref name="relevantCount"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="ranks"/> are not distinct, ascending and 1-based, or outnumber <paramref name="relevantCount"/>.</exception>
    public static double FromRanks(ReadOnlySpan<int> ranks, int relevantCount, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        HitRanks.Validate(ranks, relevantCount);
        return Core(ranks, relevantCount, k);
    }

    internal static double Core(ReadOnlySpan<int> ranks, int relevantCount, int k) =>
        relevantCount == 0 ? double.NaN : (double)HitRanks.CountWithin(ranks, k) / relevantCount;
}
