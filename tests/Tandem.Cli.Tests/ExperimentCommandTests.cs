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
    public void BaselinesPrintEachBaselineWithItsChoiceAndWriteTheSplit()
    {
        string dataDir = SharedData.Root;
        string path = Path.Combine(directory, "baselines.md"), splits = Path.Combine(directory, "splits");
        var (code, output, error) = Run("experiment", "baselines", "--data-dir", dataDir, "--seeds", "42", "--no-two-tower", "--lambdas", "200",
            "--bpr-epochs", "2", "--write-splits", splits, "--out", path);
        Assert.True(code == 0, error);
        string report = File.ReadAllText(path);
        Assert.Contains(report, output);
        // EASE at λ 200 on the seed-42 split: bench/reference/ease.py gives Recall@10 0.167521, NDCG@10 0.404143.
        Assert.Equal(["EASE", "0.1675", "0.4041"], Row(report, ReferenceBaselines.Ease)[..3]);
        Assert.Equal("λ 200", Row(report, ReferenceBaselines.Ease)[^1]);
        Assert.Equal(["most-popular", "0.0738", "0.2139"], Row(report, ReferenceBaselines.MostPopular)[..3]);
        Assert.Matches(@"^[12] epochs$", Row(report, ReferenceBaselines.Bpr)[^1]);
        Assert.Matches(@"^k \d+$", Row(report, ReferenceBaselines.ItemKnn)[^1]);
        // The split written is the reference's seed-42 split byte for byte (bench/reference/README.md).
        using var file = File.OpenRead(Path.Combine(splits, "split-seed42.csv"));
        Assert.Equal("6ba24b5381ef5ad4979e044cc2d95501d1506ac57568deabddb4050b027d230d", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)));
    }

    [Fact]
    public void BadLambdasAreOneLineErrors()
    {
        var (code, _, error) = Run("experiment", "baselines", "--lambdas", "100,-3");
        Assert.Equal(1, code);
        Assert.Equal("tandem: --lambdas: '-3' is not a positive number; give comma-separated values such as 100,300,1000", error.Trim());
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
