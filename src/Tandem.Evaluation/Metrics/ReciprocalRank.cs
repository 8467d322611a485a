namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Reciprocal rank for one user: <c>1 / r</c> where r is the 1-based position of the first relevant
/// item in the ranking, or 0 if no relevant item appears in the list given. The evaluators rank the
/// whole catalogue, so there every relevant item has a position and no cutoff applies; averaged
/// over users it is MRR. NaN when there are no relevant items (the evaluators skip such users).
/// </summary>
public static class ReciprocalRank
{
    /// <summary>Reciprocal rank of the first item of <paramref name="relevant"/> (distinct ids) in <paramref name="ranked"/> (best first, every position counts).</summary>
    /// <exception cref="ArgumentException">An id repeats in <paramref name="relevant"/>, or a relevant id repeats in <paramref name="ranked"/>.</exception>
    public static double Of(ReadOnlySpan<int> ranked, ReadOnlySpan<int> relevant)
    {
        using var hits = HitList.Find(ranked, relevant);
        return Core(hits.Ranks, relevant.Length);
    }

    /// <summary>Reciprocal rank from the 1-based ranks of the relevant items (ascending).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="relevantCount"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="ranks"/> are not distinct, ascending and 1-based, or outnumber <paramref name="relevantCount"/>.</exception>
    public static double FromRanks(ReadOnlySpan<int> ranks, int relevantCount)
    {
        HitRanks.Validate(ranks, relevantCount);
        return Core(ranks, relevantCount);
    }

    internal static double Core(ReadOnlySpan<int> ranks, int relevantCount) =>
        relevantCount == 0 ? double.NaN : ranks.Length == 0 ? 0 : 1.0 / ranks[0];
}
