using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Ranking;

public class RankingReportTests
{
    static RankingReport Report(double recall) => new()
    {
        K = 10,
        ItemCount = 100,
        UsersEvaluated = 5,
        UsersSkipped = 0,
        HeldOutItems = 12,
        Metrics = MetricNames.All(10).ToDictionary(n => n, n => n == "Recall@10" ? recall : 1.0),
    };

    [Fact]
    public void LiftIsTheRatioToTheBaseline()
    {
        // 0.3 / 0.2 = 1.5: the model recalls 50% more.
        Assert.Equal(1.5, Report(0.3).LiftOver(Report(0.2))["Recall@10"], 12);
        var table = RankingReport.Compare(("model", Report(0.3)), ("popular", Report(0.2)), ("mf", Report(0.25)));
        Assert.Contains("| metric | model | popular | mf | lift over popular | lift over mf |", table);
        Assert.Contains("| Recall@10 | 0.3000 | 0.2000 | 0.2500 | ×1.50 | ×1.20 |", table);
    }

    [Fact]
    public void UnknownMetricsAndMixedCutoffsAreErrors()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Report(0.1)["Recall@5"]);
        Assert.Contains("Recall@10", error.Message);
        Assert.Throws<ArgumentException>("baseline", () => Report(0.1).LiftOver(Report(0.1) with { K = 5 }));
    }
}
