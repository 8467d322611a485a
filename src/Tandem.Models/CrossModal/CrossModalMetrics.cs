using Tandem.Evaluation.Metrics;

namespace Tandem.Models.CrossModal;

/// <summary>
/// Cross-modal retrieval quality of one direction (e.g. caption → image), averaged over queries:
/// Recall@K is the fraction of queries with a relevant candidate in the top K (the image–text
/// retrieval convention), mean rank is the 1-based rank of the first relevant candidate, and
/// NDCG@10 uses binary relevance over all of a query's relevant candidates.
/// </summary>
public sealed record CrossModalMetrics(double RecallAt1, double RecallAt5, double RecallAt10, double MeanRank, double NdcgAt10)
{
    /// <summary>
    /// The metrics of queries whose relevant candidates sit at <paramref name="ranks"/> (each ascending, 1-based):
    /// in a full ranking every relevant candidate has a rank, so each query's relevant count is its number of ranks.
    /// </summary>
    public static CrossModalMetrics FromRanks(IReadOnlyList<int[]> ranks) => new(
        ranks.Average(r => HitRate.FromRanks(r, r.Length, 1)),
        ranks.Average(r => HitRate.FromRanks(r, r.Length, 5)),
        ranks.Average(r => HitRate.FromRanks(r, r.Length, 10)),
        ranks.Average(r => (double)r[0]),
        ranks.Average(r => Ndcg.FromRanks(r, r.Length, 10)));

    /// <summary>
    /// The expectation under a random ranking of <paramref name="candidates"/> with <paramref name="relevant"/>
    /// relevant: Recall@K = 1 - C(N-m, K)/C(N, K); first rank (N+1)/(m+1); NDCG@10 = Σ_{r≤10} (m/N)/log2(r+1) / IDCG.
    /// </summary>
    public static CrossModalMetrics Chance(int candidates, int relevant)
    {
        double Hit(int k)
        {
            double miss = 1;
            for (int i = 0; i < k; i++) miss *= (double)(candidates - relevant - i) / (candidates - i);
            return 1 - Math.Max(miss, 0);
        }
        double dcg = 0, ideal = 0;
        for (int r = 1; r <= 10; r++)
        {
            dcg += (double)relevant / candidates / Math.Log2(r + 1);
            if (r <= relevant) ideal += 1 / Math.Log2(r + 1);
        }
        return new(Hit(1), Hit(5), Hit(10), (candidates + 1.0) / (relevant + 1), dcg / ideal);
    }

    /// <summary>The mean and the sample standard deviation of each metric over <paramref name="runs"/>.</summary>
    public static (CrossModalMetrics Mean, CrossModalMetrics Std) Summarise(IReadOnlyList<CrossModalMetrics> runs)
    {
        (double, double) Stat(Func<CrossModalMetrics, double> f)
        {
            double mean = runs.Average(f);
            double variance = runs.Count > 1 ? runs.Sum(r => (f(r) - mean) * (f(r) - mean)) / (runs.Count - 1) : 0;
            return (mean, Math.Sqrt(variance));
        }
        var s = new[] { Stat(m => m.RecallAt1), Stat(m => m.RecallAt5), Stat(m => m.RecallAt10), Stat(m => m.MeanRank), Stat(m => m.NdcgAt10) };
        return (new(s[0].Item1, s[1].Item1, s[2].Item1, s[3].Item1, s[4].Item1), new(s[0].Item2, s[1].Item2, s[2].Item2, s[3].Item2, s[4].Item2));
    }

    /// <summary>
    /// The ascending 1-based ranks of the <paramref name="relevant"/> candidates when the candidates are sorted
    /// by descending <paramref name="scores"/>; a tie counts against the relevant candidate (pessimistic).
    /// </summary>
    public static int[] Ranks(ReadOnlySpan<float> scores, ReadOnlySpan<int> relevant)
    {
        var ranks = new int[relevant.Length];
        for (int i = 0; i < relevant.Length; i++)
        {
            float own = scores[relevant[i]];
            int ahead = 0;
            for (int c = 0; c < scores.Length; c++)
                if (scores[c] > own || (scores[c] == own && c != relevant[i] && !relevant.Contains(c))) ahead++;
            ranks[i] = ahead + 1;
        }
        Array.Sort(ranks);
        // Two relevant candidates can share a rank only when tied with each other: separate them.
        for (int i = 1; i < ranks.Length; i++) if (ranks[i] <= ranks[i - 1]) ranks[i] = ranks[i - 1] + 1;
        return ranks;
    }
}
