using Tandem.Data.Datasets;
using Tandem.Models.Recipes;
using Tandem.Models.Towers;

namespace Tandem.Models.Tests.Training;

/// <summary>The history user tower's options on real data: ml-latest-small, a few short epochs.</summary>
public class HistoryTowerTests
{
    [Fact]
    public void ADenoisingHistoryTowerLearnsMovieLensAgainstTheWholeCatalogue()
    {
        // Narrow (16-d) so the full softmax's B×N products stay cheap.
        var recipe = ModelRecipe.Parse("""
            { "user": { "features": ["history"], "hidden": [], "embeddingDimension": 16, "outputDimension": 16,
                        "sequence": { "dropout": 0.5, "maxLength": 60, "shareItemEmbeddings": true } },
              "item": { "features": ["item", "genres"], "hidden": [], "embeddingDimension": 16, "outputDimension": 16 },
              "task": { "candidates": "catalogue", "temperature": 0.1 },
              "training": { "epochs": 2, "threads": 1, "validationMetric": "ndcg" } }
            """);
        using var data = ModelData.Load(recipe, DataDirectory.Resolve(null));
        Assert.Equal(60, data.Fitted.Schema["history"].MaxLength);
        var (model, result) = data.Train(recipe);
        Assert.True(model.FullSoftmax);
        var history = model.User.Modules.OfType<SequenceEncoder>().Single();
        Assert.Same(model.Item.Modules.OfType<IdEmbedding>().Single().Table, history.Table);
        Assert.True(result.Epochs[1].Loss < result.Epochs[0].Loss, $"loss {result.Epochs[0].Loss} then {result.Epochs[1].Loss}");
        var report = data.Holdout.Evaluate(model, data.Users, data.Items, 10);
        var popular = data.Holdout.Evaluate(data.Holdout.MostPopular(), 10);
        // Far above chance (a random ranking of 8,762 movies scores about 0.003); two 16-d epochs come
        // near most-popular (measured 0.20 against 0.21), not past it.
        Assert.True(report["NDCG@10"] > 0.7 * popular["NDCG@10"], $"NDCG@10 {report["NDCG@10"]:0.0000}, most-popular {popular["NDCG@10"]:0.0000}");
    }

    [Fact]
    public void UserExamplesLearnMovieLensFromEveryItemOfAUserAtOnce()
    {
        // Narrow (16-d) so the full softmax's B×N products stay cheap.
        var recipe = ModelRecipe.Parse("""
            { "user": { "features": ["history"], "hidden": [32], "activation": "tanh", "embeddingDimension": 16, "outputDimension": 16, "l2Normalize": false,
                        "sequence": { "dropout": 0.5, "maxLength": 100 } },
              "item": { "features": ["item"], "hidden": [], "embeddingDimension": 16, "outputDimension": 16, "l2Normalize": false },
              "task": { "examples": "users", "candidates": "catalogue", "temperature": 1 },
              "training": { "epochs": 6, "batchSize": 64, "learningRate": 0.003, "threads": 1, "validationMetric": "ndcg" } }
            """);
        using var data = ModelData.Load(recipe, DataDirectory.Resolve(null));
        int seen = 0, fitRows = 0;
        var (model, result) = data.Train(recipe, (trainer, slice, _) =>
        {
            fitRows = slice.Rows.Length;
            trainer.StepCompleted += s => seen += s.Examples;
        });
        var examples = model.UserExamples!;
        // One example per user, each with every training item of that user (less the validation slice) as a target, once.
        Assert.Equal(610, examples.Rows.Length);
        Assert.Equal(610 * result.Epochs.Count, seen);
        Assert.Equal(fitRows, examples.Rows.Sum(r => examples.Items(r).Length));
        Assert.All(examples.Rows, r => Assert.Equal(examples.Items(r).Length, examples.Items(r).ToArray().Distinct().Count()));
        Assert.True(result.Epochs[^1].Loss < result.Epochs[0].Loss, $"loss {result.Epochs[0].Loss} then {result.Epochs[^1].Loss}");
        var report = data.Holdout.Evaluate(model, data.Users, data.Items, 10);
        var popular = data.Holdout.Evaluate(data.Holdout.MostPopular(), 10);
        Assert.True(report["NDCG@10"] > 0.7 * popular["NDCG@10"], $"NDCG@10 {report["NDCG@10"]:0.0000}, most-popular {popular["NDCG@10"]:0.0000}");
    }
}
