using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Experiments.Tests;

public class SeedTableTests
{
    static ModelResult Result(double recall) => new("m", new Dictionary<string, double> { ["Recall@10"] = recall }, null);

    static SeedTable Table()
    {
        var table = new SeedTable();
        foreach (double r in new[] { 0.12, 0.13, 0.14 }) table.Add("two-tower", Result(r));
        foreach (double r in new[] { 0.10, 0.11, 0.09 }) table.Add("id-only", Result(r));
        foreach (double r in new[] { 0.125, 0.125, 0.125 }) table.Add("popular", Result(r));
        return table;
    }

    [Fact]
    public void MeanAndRangeOverSeeds()
    {
        var table = Table();
        // (0.12 + 0.13 + 0.14) / 3 = 0.13; range 0.12–0.14, spread 0.02.
        var s = table["two-tower", "Recall@10"];
        Assert.Equal(0.13, s.Mean, 12);
        Assert.Equal(0.02, s.Spread, 12);
        Assert.Equal("0.1300 (0.1200–0.1400)", s.ToString());
        Assert.Equal("0.1250", table["popular", "Recall@10"].ToString()); // no spread: just the mean
        Assert.Equal(["two-tower", "id-only", "popular"], table.Rows);
    }

    [Fact]
    public void MarginMustExceedTheLargerSpread()
    {
        var checks = Table().Margins("two-tower", ["id-only", "popular"], ["Recall@10"]).ToArray();
        // vs id-only: margin 0.13 − 0.10 = 0.03 > max(0.02, 0.02) = 0.02 → holds.
        Assert.Equal(0.03, checks[0].Margin, 12);
        Assert.Equal(0.02, checks[0].Spread, 12);
        Assert.True(checks[0].Holds);
        // vs popular: margin 0.13 − 0.125 = 0.005 ≤ max(0.02, 0) → does not hold.
        Assert.Equal(0.005, checks[1].Margin, 12);
        Assert.False(checks[1].Holds);
        string text = SeedTable.Describe(checks);
        Assert.Contains("two-tower vs id-only, Recall@10: margin 0.0300 > spread 0.0200: **yes**", text);
        Assert.Contains("two-tower vs popular, Recall@10: margin 0.0050 ≤ spread 0.0200: **no**", text);
    }

    [Fact]
    public void MarkdownHasOneRowPerModel()
    {
        var lines = Table().ToMarkdown(["Recall@10"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| model | Recall@10 | epochs |", lines[0]);
        Assert.Equal("| two-tower | 0.1300 (0.1200–0.1400) | – |", lines[2]);
        Assert.Equal(5, lines.Length);
    }
}
