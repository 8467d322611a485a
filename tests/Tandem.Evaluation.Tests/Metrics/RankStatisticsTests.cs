using Tandem.Evaluation.Metrics;

namespace Tandem.Evaluation.Tests.Metrics;

public class RankStatisticsTests
{
    [Fact]
    public void MeanAndMedianMatchHandExample()
    {
        // Held-out ranks 9, 2, 4: mean (9 + 2 + 4) / 3 = 5; sorted 2, 4, 9 -> median 4.
        Assert.Equal(5.0, RankStatistics.Mean([9, 2, 4]));
        Assert.Equal(4.0, RankStatistics.Median([9, 2, 4]));
        // Even count 11, 2, 9, 4: sorted 2, 4, 9, 11 -> median (4 + 9) / 2 = 6.5.
        Assert.Equal(6.5, RankStatistics.Median([11, 2, 9, 4]));
    }

    [Fact]
    public void NoRanksGivesNaNAndBadRanksThrow()
    {
        Assert.True(double.IsNaN(RankStatistics.Mean([])));
        Assert.True(double.IsNaN(RankStatistics.Median([])));
        Assert.Throws<ArgumentException>("ranks", () => RankStatistics.Mean([3, 0]));
    }
}
