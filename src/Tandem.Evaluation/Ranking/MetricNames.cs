namespace Tandem.Evaluation.Ranking;

/// <summary>The names under which <see cref="RankingReport.Metrics"/> holds each metric.</summary>
public static class MetricNames
{
    /// <summary><c>Recall@K</c>: mean over evaluated users of |held-out ∩ top K| / |held-out|.</summary>
    public static string Recall(int k) => $"Recall@{k}";

    /// <summary><c>HitRate@K</c>: share of evaluated users with a held-out item in their top K.</summary>
    public static string HitRate(int k) => $"HitRate@{k}";

    /// <summary><c>NDCG@K</c>: mean over evaluated users of binary-relevance NDCG@K.</summary>
    public static string Ndcg(int k) => $"NDCG@{k}";

    /// <summary><c>MAP@K</c>: mean over evaluated users of AP@K.</summary>
    public static string Map(int k) => $"MAP@{k}";

    /// <summary><c>Coverage@K</c>: distinct items in any evaluated user's top K / catalogue size.</summary>
    public static string Coverage(int k) => $"Coverage@{k}";

    /// <summary><c>MRR</c>: mean over evaluated users of 1 / (full-catalogue rank of their best-ranked held-out item).</summary>
    public const string Mrr = "MRR";

    /// <summary><c>MeanRank</c>: mean full-catalogue rank over all (user, held-out item) pairs; lower is better.</summary>
    public const string MeanRank = "MeanRank";

    /// <summary><c>MedianRank</c>: median full-catalogue rank over all (user, held-out item) pairs; lower is better.</summary>
    public const string MedianRank = "MedianRank";

    /// <summary>Every metric of a report at cutoff <paramref name="k"/>, in report order.</summary>
    public static IReadOnlyList<string> All(int k) =>
        [Recall(k), HitRate(k), Ndcg(k), Map(k), Mrr, MeanRank, MedianRank, Coverage(k)];

    /// <summary>Whether a lower value of the metric <paramref name="name"/> is better (the rank statistics).</summary>
    public static bool LowerIsBetter(string name) => name is MeanRank or MedianRank;
}
