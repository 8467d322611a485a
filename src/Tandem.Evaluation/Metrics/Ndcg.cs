namespace Tandem.Evaluation.Metrics;

/// <summary>
/// NDCG@K for one user with binary relevance and a log2 discount:
/// <c>DCG = Σ over relevant items at positions r ≤ K of 1 / log2(r + 1)</c>,
/// <c>IDCG = Σ for i = 1 .. min(|relevant|, K) of 1 / log2(i + 1)</c> (all relevant items ranked first),
/// <c>NDCG@K = DCG / IDCG</c>, in [0, 1]. NaN when there are no relevant items (the evaluators skip such users).
/// </summary>
public static class Ndcg
{
    /// <summary>NDCG@K of <paramref name="ranked"/> (best first; only the first K positions count) against <paramref name="relevant"/> (distinct item ids).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An id repeats in <paramref name="relevant"/>, or a relevant id repeats in <paramref name="ranked"/>.</exception>
    public static double AtK(ReadOnlySpan<int> ranked, ReadOnlySpan<int> relevant, int k)
    {
        EvaluationThrow.IfCutoffNotPositive(k, nameof(k));
        using var hits = HitList.Find(ranked, relevant);
        return Core(hits.Ranks, relevant.Length, k);
    }

    /// <summary>NDCG@K from the 1-based ranks of the relevant items (ascending).</summary>
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
        double dcg = 0, ideal = 0;
        for (int i = 0; i < ranks.Length && ranks[i] <= k; i++) dcg += Discount(ranks[i]);
        for (int position = 1, last = Math.Min(relevantCount, k); position <= last; position++) ideal += Discount(position);
        return dcg / ideal;
    }

    static double Discount(int position) => 1 / Math.Log2(position + 1.0);
}
