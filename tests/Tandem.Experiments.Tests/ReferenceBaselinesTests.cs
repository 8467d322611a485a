using Tandem.Evaluation.Baselines;
using Tandem.Models;
using Tandem.Models.Evaluation;

namespace Tandem.Experiments.Tests;

/// <summary>The baselines on ml-latest-small (the seed-42 split of the quickstart) through the project's loaders.</summary>
public sealed class ReferenceBaselinesTests : IDisposable
{
    readonly ModelData data = ModelData.Load(MovieLensExperiment.Recipe(new MovieLensOptions()), null);

    public void Dispose() => data.Dispose();

    [Fact]
    public void EaseAgreesWithTheNumpyReference()
    {
        // bench/reference/ease.py --split split-seed42.csv --lambdas 200 (numpy, float64, item-space inverse):
        // recall_at_10 0.167521, ndcg_at_10 0.404143 (docs/experiments.md, "Baselines").
        var report = data.Holdout.Evaluate(EaseScorer.Fit(data.Holdout.Excluded, 200));
        Assert.Equal(0.167521, report["Recall@10"], 3);
        Assert.Equal(0.404143, report["NDCG@10"], 3);
    }

    [Fact]
    public void ChoosingLambdaNeverReadsTheTestSplit()
    {
        var options = new BaselineOptions { Lambdas = [30, 200, 3000] };
        var validation = ReferenceBaselines.Validation(data);
        var honest = ReferenceBaselines.RunEase(validation, data.Holdout, options);
        // Poison the test split: keep one test rating in seven. The test metrics move; the choice must not.
        var poisoned = new Holdout(data.Log, data.Split.Train, data.Split.Test.Where((_, i) => i % 7 == 0).ToArray(), data.Items, data.Holdout.KeyOf);
        var fromPoisoned = ReferenceBaselines.RunEase(validation, poisoned, options);
        Assert.Equal("λ 200", honest.Choice);
        Assert.Equal(honest.Choice, fromPoisoned.Choice);
        Assert.NotEqual(honest.Report["NDCG@10"], fromPoisoned.Report["NDCG@10"]);
    }
}
