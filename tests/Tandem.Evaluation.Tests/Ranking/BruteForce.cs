using Tandem.Evaluation.Metrics;
using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Ranking;

/// <summary>
/// The reference the evaluator must match: score everything at once, fully sort each user's unmasked
/// items by (score descending, id ascending), and apply the list forms of the metrics to that ranking.
/// </summary>
static class BruteForce
{
    /// <summary>Every user's full ranking of the items not excluded for them.</summary>
    public static int[][] Rankings(IScorer scorer, UserItemSets excluded)
    {
        int items = scorer.ItemCount;
        var scores = new float[scorer.UserCount * items];
        scorer.Score(0, scorer.UserCount, scores);
        var rankings = new int[scorer.UserCount][];
        for (int u = 0; u < scorer.UserCount; u++)
        {
            var row = scores.AsSpan(u * items, items).ToArray();
            var skip = excluded[u].ToArray();
            var candidates = Enumerable.Range(0, items).Where(i => Array.BinarySearch(skip, i) < 0).ToArray();
            Array.Sort(candidates, (a, b) => row[a] != row[b] ? row[b].CompareTo(row[a]) : a.CompareTo(b));
            rankings[u] = candidates;
        }
        return rankings;
    }

    /// <summary>The metrics of <see cref="RankingEvaluator.Evaluate"/> computed from full sorts, summed in user order.</summary>
    public static Dictionary<string, double> Evaluate(IScorer scorer, UserItemSets excluded, UserItemSets heldOut, int k)
    {
        var rankings = Rankings(scorer, excluded);
        double recall = 0, hitRate = 0, ndcg = 0, map = 0, mrr = 0;
        int users = 0;
        var ranks = new List<int>();
        var recommended = new List<int>();
        for (int u = 0; u < scorer.UserCount; u++)
        {
            var held = heldOut[u];
            if (held.IsEmpty) continue;
            users++;
            var ranking = rankings[u];
            recall += Recall.AtK(ranking, held, k);
            hitRate += HitRate.AtK(ranking, held, k);
            ndcg += Ndcg.AtK(ranking, held, k);
            map += AveragePrecision.AtK(ranking, held, k);
            mrr += ReciprocalRank.Of(ranking, held);
            foreach (int item in held) ranks.Add(Array.IndexOf(ranking, item) + 1);
            recommended.AddRange(ranking.Take(k));
        }
        return new Dictionary<string, double>
        {
            [MetricNames.Recall(k)] = recall / users,
            [MetricNames.HitRate(k)] = hitRate / users,
            [MetricNames.Ndcg(k)] = ndcg / users,
            [MetricNames.Map(k)] = map / users,
            [MetricNames.Mrr] = mrr / users,
            [MetricNames.MeanRank] = RankStatistics.Mean(ranks.ToArray()),
            [MetricNames.MedianRank] = RankStatistics.Median(ranks.ToArray()),
            [MetricNames.Coverage(k)] = Coverage.Of(recommended.ToArray(), scorer.ItemCount),
        };
    }

    public static void AssertSame(IReadOnlyDictionary<string, double> expected, RankingReport actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Keys.Order(), actual.Metrics.Keys.Order());
        foreach (var (name, value) in expected)
            Assert.True(Math.Abs(value - actual[name]) <= tolerance, $"{name}: expected {value}, got {actual[name]}");
    }
}
