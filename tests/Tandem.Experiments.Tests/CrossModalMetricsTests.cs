using Tandem.Models.CrossModal;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Experiments.Tests;

public class CrossModalMetricsTests
{
    [Fact]
    public void RanksCountHigherScoresAndTiesAgainstTheRelevant()
    {
        float[] scores = [0.9f, 0.5f, 0.7f, 0.5f, 0.1f];
        Assert.Equal([2], CrossModalMetrics.Ranks(scores, [2]));      // only 0.9 is higher
        Assert.Equal([4], CrossModalMetrics.Ranks(scores, [1]));      // 0.9, 0.7 higher and the tie at 3 counts against it
        Assert.Equal([3, 4], CrossModalMetrics.Ranks(scores, [1, 3])); // two tied relevant share no rank
    }

    [Fact]
    public void MetricsAverageOverQueriesWithTheirOwnRelevantCounts()
    {
        // query 1: one relevant at rank 3; query 2: two relevant at ranks 1 and 12
        var m = CrossModalMetrics.FromRanks([[3], [1, 12]]);
        Assert.Equal(0.5, m.RecallAt1, 9);   // only query 2 hits at 1
        Assert.Equal(1.0, m.RecallAt5, 9);
        Assert.Equal(2.0, m.MeanRank, 9);    // (3 + 1) / 2
        // NDCG@10: query 1 = (1/log2 4) / 1 = 0.5; query 2 = 1 / (1 + 1/log2 3) = 0.6131
        Assert.Equal((0.5 + 1 / (1 + 1 / Math.Log2(3))) / 2, m.NdcgAt10, 9);
    }

    [Fact]
    public void ChanceIsTheRandomRankingExpectation()
    {
        var one = CrossModalMetrics.Chance(100, 1);
        Assert.Equal(0.05, one.RecallAt5, 9);  // K/N
        Assert.Equal(50.5, one.MeanRank, 9);   // (N+1)/2
        var five = CrossModalMetrics.Chance(500, 5);
        Assert.Equal(5.0 / 500, five.RecallAt1, 9);
        Assert.Equal(501.0 / 6, five.MeanRank, 9);
    }
}
