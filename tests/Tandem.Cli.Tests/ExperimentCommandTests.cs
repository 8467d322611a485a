using Tandem.Tests;
using Tandem.Data.Datasets;
using static Tandem.Cli.Tests.CliRun;
using System.Globalization;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Cli.Tests;

public sealed class ExperimentCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-experiment-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>The Markdown row of <paramref name="model"/> as its cells.</summary>
    static string[] Row(string report, string model) =>
        report.Split('\n').First(l => l.StartsWith($"| {model} |", StringComparison.Ordinal))
            .Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void TwoSeedsGiveMeanAndRangePerModelAndTheMarginVerdicts()
    {
        string dataDir = SharedData.Root;
        string path = Path.Combine(directory, "report.md");
        var (code, output, error) = Run("experiment", "movielens", "--data-dir", dataDir, "--seeds", "1,2", "--epochs", "1", "--out", path);
        Assert.True(code == 0, error);
        string report = File.ReadAllText(path);
        Assert.Contains(report, output);
        // Most-popular needs no seed: one value, the reference's Recall@10 and NDCG@10 on the seed-42 split.
        var popular = Row(report, MovieLensExperiment.MostPopular);
        Assert.Equal(["most-popular", "0.0738", "0.2139"], popular[..3]);
        foreach (string model in new[] { MovieLensExperiment.TwoTower, MovieLensExperiment.IdOnly })
        {
            // "mean (min–max)" unless both seeds agree to the last digit; the mean lies within the range.
            string cell = Row(report, model)[1];
            var numbers = cell.Replace("(", " ").Replace(")", " ").Replace("–", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.InRange(numbers[0], 0.001, 1);
            if (numbers.Length == 3) Assert.InRange(numbers[0], numbers[1], numbers[2]);
            Assert.Equal("1", Row(report, model)[^1]); // epochs trained: the one allowed
        }
        Assert.Equal(4, report.Split('\n').Count(l => l.StartsWith("- two-tower vs ", StringComparison.Ordinal)));
        Assert.Contains("Verdict: ", report);
    }

    [Fact]
    public void BadSeedsAreOneLineErrors()
    {
        var (code, _, error) = Run("experiment", "movielens", "--seeds", "42,x");
        Assert.Equal(1, code);
        Assert.Equal("tandem: --seeds: 'x' is not an integer; give comma-separated seeds such as 42,43,44", error.Trim());
        (code, _, error) = Run("experiment", "movielens", "--seeds", "42,42");
        Assert.Equal(1, code);
        Assert.Contains("repeats a seed", error);
    }
}
