namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Average precision at K for one user (averaged over users it is MAP@K):
/// <c>AP@K = (1 / min(|relevant|, K)) · Σ over positions r ≤ K holding a relevant item of P@r</c>,
/// where <c>P@r</c> is the share of relevant items among the first r positions. It is 1 exactly when
/// the first min(|relevant|, K) positions are all relevant. NaN when there are no relevant items
/// (the evaluators skip such users).
/// </summary>
public static class AveragePrecision
{
    /// <summary>AP@K of <paramref name="ranked"/> (best first; only the first K positions count) against <paramref name="relevant"/> (distinct item ids).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An id repeats in <paramref name="relevant"/>, or a relevant id repeats in <paramref name="ranked"/>.</exception>
    public static double AtK(ReadOnlySpan<int> ranked, ReadOnlySpan<int> relevant, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        using var hits = HitList.Find(ranked, relevant);
        return Core(hits.Ranks, relevant.Length, k);
    }

    /// <summary>AP@K from the 1-based ranks of the relevant items (ascending).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or <paramref name="relevantCount"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="ranks"/> are not distinct, ascending and 1-based, or outnumber <paramref name="relevantCount"/>.</exception>
    public static double FromRanks(ReadOnlySpan<int> ranks, int relevantCount, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        HitRanks.Validate(ranks, relevantCount);
        return Core(ranks, relevantCount, k);
    }

    internal static double Core(ReadOnlySpan<int> ranks, int relevantCount, int k)
    {
        if (relevantCount == 0) return double.NaN;
        double sum = 0;
        // The i-th hit (1-based) at position r has i relevant items in the first r: P@r = i / r.
        for (int i = 0; i < ranks.Length && ranks[i] <= k; i++) sum += (i + 1.0) / ranks[i];
        return sum / Math.Min(relevantCount, k);
    }
}
