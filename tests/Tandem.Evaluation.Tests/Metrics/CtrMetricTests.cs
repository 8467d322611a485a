using Tandem.Evaluation.Metrics;

namespace Tandem.Evaluation.Tests.Metrics;

public class CtrMetricTests
{
    [Fact]
    public void GroupAucWeighsEachUsersAucByImpressionsAndSkipsOneClassUsers()
    {
        // User 0: 4 impressions ranked perfectly (AUC 1); user 1: 2 impressions ranked backwards (AUC 0);
        // user 2: only clicks, left out. (4·1 + 2·0) / 6 = 0.6667.
        float[] scores = [0.9f, 0.8f, 0.2f, 0.1f, 0.3f, 0.7f, 0.5f];
        float[] labels = [1, 1, 0, 0, 1, 0, 1];
        int[] users = [0, 0, 0, 0, 1, 1, 2];
        var (value, counted) = GroupAuc.Compute(scores, labels, users);
        Assert.Equal(4.0 / 6, value, 12);
        Assert.Equal(6, counted);
    }

    [Fact]
    public void GroupAucWithoutATwoClassUserIsAnError()
    {
        var e = Assert.Throws<TandemException>(() => GroupAuc.Compute([0.1f, 0.2f], [1, 0], [0, 1]));
        Assert.Equal("group AUC is undefined: none of 2 groups has both a click and a non-click", e.Message);
    }

    [Fact]
    public void EceIsTheCountWeightedGapPerBin()
    {
        // Two bins of 10: [0, 0.5) holds p = 0.1, 0.2 (labels 0, 1): gap |0.5 − 0.15| = 0.35;
        // [0.5, 1] holds p = 0.9, 1.0 (labels 1, 1): gap |1 − 0.95| = 0.05. ECE = (2·0.35 + 2·0.05) / 4 = 0.2.
        Assert.Equal(0.2, CalibrationError.Expected([0.1f, 0.2f, 0.9f, 1f], [0, 1, 1, 1], bins: 2), 6);
        var bins = CalibrationError.Bins([0.1f, 0.2f, 0.9f, 1f], [0, 1, 1, 1], bins: 2);
        Assert.Equal(new CalibrationError.Bin(2, 0.15000000223517418, 0.5), bins[0]);
    }

    [Fact]
    public void RelaImprIsTheRelativeGainOverRandom() =>
        // (0.75 − 0.5) / (0.70 − 0.5) − 1 = 0.25.
        Assert.Equal(0.25, CalibrationError.RelaImpr(0.75, 0.70), 12);
}
