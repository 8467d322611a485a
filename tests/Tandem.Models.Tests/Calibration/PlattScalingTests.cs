using Tandem.IO;
using Tandem.Models.Calibration;
using Tandem.Models.Persistence;
using Tandem.Tests;

namespace Tandem.Models.Tests.Calibration;

public sealed class PlattScalingTests
{
    /// <summary>Scores and labels drawn from p(click) = σ(a·s + b), s ~ U(-1, 1).</summary>
    static (float[] Scores, byte[] Labels) Draw(int n, double a, double b, int seed)
    {
        var rng = new Random(seed);
        var scores = new float[n];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = (float)(rng.NextDouble() * 2 - 1);
            labels[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-(a * scores[i] + b))) ? (byte)1 : (byte)0;
        }
        return (scores, labels);
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var (scores, labels) = Draw(37, 3, -1, seed: 5);
        var targets = labels.Select(l => l != 0 ? 0.9 : 0.05).ToArray();
        foreach (var (a, b) in new[] { (0.0, 0.0), (2.5, -0.7), (-1.3, 1.9) })
        {
            var (ga, gb) = PlattScaling.Gradient(scores, targets, a, b);
            const double h = 1e-6;
            double na = (PlattScaling.Loss(scores, targets, a + h, b) - PlattScaling.Loss(scores, targets, a - h, b)) / (2 * h);
            double nb = (PlattScaling.Loss(scores, targets, a, b + h) - PlattScaling.Loss(scores, targets, a, b - h)) / (2 * h);
            Assert.Equal(na, ga, 1e-7);
            Assert.Equal(nb, gb, 1e-7);
        }
    }

    [Fact]
    public void FitRecoversTheGeneratingSlopeAndOffset()
    {
        var (scores, labels) = Draw(200_000, 4, -1.5, seed: 11);
        var platt = PlattScaling.Fit(scores, labels);
        // 200,000 draws: the maximum-likelihood estimates' standard errors are about 0.02 and 0.01.
        Assert.Equal(4, platt.A, 0.1);
        Assert.Equal(-1.5, platt.B, 0.05);
        Assert.Equal(200_000, platt.Examples);
        Assert.Equal(labels.Count(l => l != 0), platt.Positives);
        Assert.Equal(1 / (1 + Math.Exp(-(platt.A * 0.5 + platt.B))), platt.Probability(0.5), 1e-12);
    }

    [Fact]
    public void SeparableDataStillGivesFiniteParameters()
    {
        // Every positive scores above every negative: the unsmoothed likelihood has no maximum; Platt's targets keep A finite.
        float[] scores = [-0.9f, -0.5f, -0.2f, 0.3f, 0.6f, 0.8f];
        byte[] labels = [0, 0, 0, 1, 1, 1];
        var platt = PlattScaling.Fit(scores, labels);
        Assert.True(double.IsFinite(platt.A) && platt.A > 0, $"A = {platt.A}");
        Assert.True(platt.Probability(0.8) > 0.5 && platt.Probability(-0.9) < 0.5);
    }

    [Fact]
    public void FitRejectsOneSidedSamples()
    {
        var e = Assert.Throws<ModelException>(() => PlattScaling.Fit([0.1f, 0.2f], [1, 1]));
        Assert.Contains("positive and negative", e.Message);
        Assert.Throws<ModelException>(() => PlattScaling.Fit([0.1f, 0.2f], [1]));
    }

    [Fact]
    public void CalibrationIsAddedToAModelFileKeepingEverySectionAndReplacedOnTheNextWrite()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.tandem");
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddJson("config", new { epochs = 3 });
        writer.AddBytes("features", [1, 2, 3, 250]);
        writer.Save(path);
        Assert.Null(TwoTowerModelFile.ReadCalibration(path));

        TwoTowerModelFile.WriteCalibration(path, new PlattScaling(2, -1, 10, 3));
        TwoTowerModelFile.WriteCalibration(path, new PlattScaling(5, 0.5, 20, 4));
        Assert.Equal(new PlattScaling(5, 0.5, 20, 4), TwoTowerModelFile.ReadCalibration(path));
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        Assert.Equal(["config", "features", "calibration"], reader.Sections.Select(s => s.Name));
        Assert.Equal([1, 2, 3, 250], reader.ReadBytes("features"));
        Assert.Equal(2, reader.FormatVersion);
    }
}
