namespace Tandem.Evaluation.Metrics;

/// <summary>Validation of the hit-rank input that the <c>FromRanks</c> overloads share.</summary>
static class HitRanks
{
    /// <summary>Checks that <paramref name="ranks"/> are distinct 1-based ranks in ascending order, no more than <paramref name="relevantCount"/>.</summary>
    public static void Validate(ReadOnlySpan<int> ranks, int relevantCount)
    {
        if (relevantCount < 0)
            EvaluationThrow.OutOfRange($"relevantCount is {relevantCount}; it counts relevant items and cannot be negative.", nameof(relevantCount), relevantCount);
        if (ranks.Length > relevantCount)
            EvaluationThrow.Argument($"{ranks.Length} hit ranks were given for only {relevantCount} relevant items; each relevant item has at most one rank.", nameof(ranks));
        for (int i = 0; i < ranks.Length; i++)
            if (ranks[i] < 1 || (i > 0 && ranks[i] <= ranks[i - 1]))
                EvaluationThrow.Argument($"ranks[{i}] is {ranks[i]}; hit ranks must be 1-based, distinct and ascending.", nameof(ranks));
    }

    /// <summary>How many of the ascending <paramref name="ranks"/> are at most <paramref name="k"/>.</summary>
    public static int CountWithin(ReadOnlySpan<int> ranks, int k)
    {
        int n = 0;
        while (n < ranks.Length && ranks[n] <= k) n++;
        return n;
    }
}
