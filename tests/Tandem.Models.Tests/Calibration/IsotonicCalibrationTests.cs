using Tandem.Models.Calibration;
using Tandem.Models.Recipes;

namespace Tandem.Models.Tests.Calibration;

public class IsotonicCalibrationTests
{
    [Fact]
    public void PoolAdjacentViolatorsMergesDecreasingBlocks()
    {
        // Sorted by score, the labels are 0, 1, 0, 1, 1: the violator (1, 0) at scores 2 and 3 pools to 0.5.
        // Steps: score ≤ 1 → 0 (floored to 1e-4), ≤ 3 → 0.5, ≤ 5 → 1 (capped at 1 − 1e-4).
        var iso = IsotonicCalibration.Fit([3f, 1f, 2f, 5f, 4f], [0, 0, 1, 1, 1]);
        Assert.Equal([1.0, 3.0, 5.0], iso.Upper);
        Assert.Equal([IsotonicCalibration.Floor, 0.5, 1 - IsotonicCalibration.Floor], iso.Values);
        Assert.Equal(0.5, iso.Probability(2.5));
        Assert.Equal(0.5, iso.Probability(3));
        Assert.Equal(1 - IsotonicCalibration.Floor, iso.Probability(99));
        Assert.Equal(IsotonicCalibration.Floor, iso.Probability(-99));
    }

    [Fact]
    public void EqualScoresShareOneValue()
    {
        var iso = IsotonicCalibration.Fit([1f, 1f, 1f, 2f], [1, 0, 0, 1]);
        Assert.Equal(1.0 / 3, iso.Probability(1), 12);
    }

    [Fact]
    public void TheStepFunctionIsNonDecreasingOnRandomData()
    {
        var rng = new Random(7);
        var scores = Enumerable.Range(0, 2000).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < 1 / (1 + Math.Exp(-s)) ? 1f : 0f).ToArray();
        var calibrator = Calibrator.Fit(CalibrationKind.Isotonic, scores, labels);
        var grid = Enumerable.Range(-40, 81).Select(i => calibrator.Probability(i / 10.0)).ToArray();
        for (int i = 1; i < grid.Length; i++) Assert.True(grid[i] >= grid[i - 1]);
        // The data came from σ(s): the fitted step is near it in the middle.
        Assert.InRange(calibrator.Probability(0), 0.35, 0.65);
        Assert.Equal(2000, calibrator.Examples);
    }
}
