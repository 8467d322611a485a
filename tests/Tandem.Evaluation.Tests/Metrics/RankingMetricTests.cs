using Tandem.Evaluation.Metrics;

namespace Tandem.Evaluation.Tests.Metrics;

/// <summary>The docs/metrics.md examples and edge cases of the per-user ranking metrics.</summary>
public class RankingMetricTests
{
    // The running example of docs/metrics.md: ranked [3, 1, 7, 2], relevant {1, 2};
    // the relevant items sit at positions 2 and 4.
    static readonly int[] Ranked = [3, 1, 7, 2];
    static readonly int[] Relevant = [2, 1];

    [Fact]
    public void RecallMatchesHandExample()
    {
        // @4: both relevant items retrieved, 2 / 2 = 1. @2: only item 1, 1 / 2 = 0.5.
        Assert.Equal(1.0, Recall.AtK(Ranked, Relevant, 4));
        Assert.Equal(0.5, Recall.AtK(Ranked, Relevant, 2));
        // Capped differs only when |relevant| > K: relevant {5, 6, 7, 8, 9}, top 3 = [5, 6, 7]:
        // recall = 3 / 5 = 0.6, capped = 3 / min(5, 3) = 1.
        Assert.Equal(0.6, Recall.AtK([5, 6, 7], [5, 6, 7, 8, 9], 3), 12);
        Assert.Equal(1.0, Recall.CappedAtK([5, 6, 7], [5, 6, 7, 8, 9], 3));
    }

    [Fact]
    public void HitRateMatchesHandExample()
    {
        // Position 1 holds item 3 (not relevant): @1 = 0; position 2 holds item 1: @2 = 1.
        Assert.Equal(0.0, HitRate.AtK(Ranked, Relevant, 1));
        Assert.Equal(1.0, HitRate.AtK(Ranked, Relevant, 2));
    }

    [Fact]
    public void NdcgMatchesHandExample()
    {
        // DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
        // IDCG (2 relevant) = 1/log2(2) + 1/log2(3) = 1 + 0.63093 = 1.63093
        // NDCG@4 = 1.06161 / 1.63093 = 0.65092
        Assert.Equal(0.6509209, Ndcg.AtK(Ranked, Relevant, 4), 6);
        // @2: DCG = 0.63093, IDCG = 1.63093 -> 0.38685
        Assert.Equal(0.6309298 / 1.6309298, Ndcg.AtK(Ranked, Relevant, 2), 6);
    }

    [Fact]
    public void ReciprocalRankMatchesHandExample()
    {
        // First relevant item at position 2: 1 / 2.
        Assert.Equal(0.5, ReciprocalRank.Of(Ranked, Relevant));
        // None in the list: 0.
        Assert.Equal(0.0, ReciprocalRank.Of([3, 7], Relevant));
    }

    [Fact]
    public void AveragePrecisionMatchesHandExample()
    {
        // Hits at 2 (P@2 = 1/2) and 4 (P@4 = 2/4): AP@4 = (0.5 + 0.5) / min(2, 4) = 0.5.
        Assert.Equal(0.5, AveragePrecision.AtK(Ranked, Relevant, 4), 12);
        // @3: only the hit at 2 counts: (1/2) / min(2, 3) = 0.25.
        Assert.Equal(0.25, AveragePrecision.AtK(Ranked, Relevant, 3), 12);
    }

    [Fact]
    public void NoRelevantItemsGivesNaN()
    {
        Assert.True(double.IsNaN(Recall.AtK(Ranked, [], 4)));
        Assert.True(double.IsNaN(Recall.CappedAtK(Ranked, [], 4)));
        Assert.True(double.IsNaN(HitRate.AtK(Ranked, [], 4)));
        Assert.True(double.IsNaN(Ndcg.AtK(Ranked, [], 4)));
        Assert.True(double.IsNaN(ReciprocalRank.Of(Ranked, [])));
        Assert.True(double.IsNaN(AveragePrecision.AtK(Ranked, [], 4)));
    }

    [Fact]
    public void NoHitsGivesZero()
    {
        int[] relevant = [8, 9];
        Assert.Equal(0.0, Recall.AtK(Ranked, relevant, 4));
        Assert.Equal(0.0, HitRate.AtK(Ranked, relevant, 4));
        Assert.Equal(0.0, Ndcg.AtK(Ranked, relevant, 4));
        Assert.Equal(0.0, AveragePrecision.AtK(Ranked, relevant, 4));
    }

    [Fact]
    public void AllRelevantScoresOne()
    {
        int[] relevant = [3, 1, 7, 2];
        Assert.Equal(1.0, Recall.AtK(Ranked, relevant, 4));
        Assert.Equal(1.0, HitRate.AtK(Ranked, relevant, 4));
        Assert.Equal(1.0, Ndcg.AtK(Ranked, relevant, 4), 12);
        Assert.Equal(1.0, ReciprocalRank.Of(Ranked, relevant));
        Assert.Equal(1.0, AveragePrecision.AtK(Ranked, relevant, 4), 12);
    }

    [Fact]
    public void KBeyondTheListKeepsKAsTheNormaliser()
    {
        // K = 10 > 4 positions; relevant {1, 2, 9}: two hits at 2 and 4, item 9 never ranked.
        int[] relevant = [1, 2, 9];
        // Recall = 2 / 3.
        Assert.Equal(2.0 / 3, Recall.AtK(Ranked, relevant, 10), 12);
        // IDCG over min(3, 10) = 3 positions: 1 + 0.63093 + 0.5 = 2.13093; DCG = 1.06161; NDCG = 0.49819.
        Assert.Equal((1 / Math.Log2(3) + 1 / Math.Log2(5)) / (1 + 1 / Math.Log2(3) + 0.5), Ndcg.AtK(Ranked, relevant, 10), 12);
        // AP = (1/2 + 2/4) / min(3, 10) = 1/3.
        Assert.Equal(1.0 / 3, AveragePrecision.AtK(Ranked, relevant, 10), 12);
    }

    [Fact]
    public void FromRanksAgreesWithTheListForm()
    {
        // Item ranks 2 and 4 of the running example.
        int[] ranks = [2, 4];
        Assert.Equal(Recall.AtK(Ranked, Relevant, 3), Recall.FromRanks(ranks, 2, 3));
        Assert.Equal(HitRate.AtK(Ranked, Relevant, 3), HitRate.FromRanks(ranks, 2, 3));
        Assert.Equal(Ndcg.AtK(Ranked, Relevant, 3), Ndcg.FromRanks(ranks, 2, 3));
        Assert.Equal(ReciprocalRank.Of(Ranked, Relevant), ReciprocalRank.FromRanks(ranks, 2));
        Assert.Equal(AveragePrecision.AtK(Ranked, Relevant, 3), AveragePrecision.FromRanks(ranks, 2, 3));
    }

    [Fact]
    public void BadInputIsRejectedWithItsName()
    {
        Assert.Throws<ArgumentOutOfRangeException>("k", () => Recall.AtK(Ranked, Relevant, 0));
        var repeatedRelevant = Assert.Throws<ArgumentException>("relevant", () => Ndcg.AtK(Ranked, [1, 1], 4));
        Assert.Contains("Relevant item 1 is listed twice", repeatedRelevant.Message);
        var repeatedRanked = Assert.Throws<ArgumentException>("ranked", () => Recall.AtK([1, 3, 1], Relevant, 3));
        Assert.Contains("position 3", repeatedRanked.Message);
        Assert.Throws<ArgumentException>("ranks", () => Recall.FromRanks([4, 2], 2, 3));
        Assert.Throws<ArgumentException>("ranks", () => Recall.FromRanks([0], 2, 3));
        Assert.Throws<ArgumentException>("ranks", () => Recall.FromRanks([1, 2, 3], 2, 3));
    }
}
