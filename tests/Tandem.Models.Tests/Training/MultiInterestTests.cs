using Tandem.Data.Datasets;
using Tandem.Models.Recipes;
using Tandem.Models.Tasks;

namespace Tandem.Models.Tests.Training;

/// <summary>Multi-interest users (ComiRec-SA pooling, MaxSim over interests) on real data: ml-latest-small, two short epochs.</summary>
public class MultiInterestTests
{
    [Fact]
    public void TwoInterestsPerUserLearnMovieLensAndRecommendFromEither()
    {
        var recipe = ModelRecipe.Parse("""
            { "user": { "features": ["history"], "hidden": [], "embeddingDimension": 16, "outputDimension": 16,
                        "sequence": { "pooling": "interests", "interests": 2, "maxLength": 60 } },
              "item": { "features": ["item", "genres"], "hidden": [], "embeddingDimension": 16, "outputDimension": 16 },
              "split": { "validationFraction": 0 },
              "training": { "epochs": 2, "threads": 1 } }
            """);
        using var data = ModelData.Load(recipe, DataDirectory.Resolve(null));
        var (model, result) = data.Train(recipe);
        Assert.Equal(2, model.User.Vectors);
        Assert.Equal(SumOver.Candidate, Assert.IsType<LateInteractionTask>(model.Task).SumOver);
        Assert.True(result.Epochs[1].Loss < result.Epochs[0].Loss, $"loss {result.Epochs[0].Loss} then {result.Epochs[1].Loss}");
        var report = data.Holdout.Evaluate(model, data.Users, data.Items, 10);
        var popular = data.Holdout.Evaluate(data.Holdout.MostPopular(), 10);
        // Far above chance (about 0.003 for a random ranking of 8,762 movies); two 16-d epochs come near most-popular.
        Assert.True(report["NDCG@10"] > 0.7 * popular["NDCG@10"], $"NDCG@10 {report["NDCG@10"]:0.0000}, most-popular {popular["NDCG@10"]:0.0000}");

        var catalogue = EmbeddedCatalogue.Create(model, data);
        Assert.Equal(2, catalogue.Interests);
        using var index = catalogue.Index("Flat");
        var top = catalogue.Recommend(index, 0, 10);
        Assert.Equal(10, top.Count);
        // Each recommended item's score is its best inner product over the user's two interests.
        var vectors = catalogue.UserVector(0);
        foreach (var (item, score) in top)
        {
            var v = catalogue.ItemVectors.AsSpan(item * 16, 16);
            float best = Math.Max(Dot(vectors[..16], v), Dot(vectors[16..], v));
            Assert.Equal(best, score, 4);
        }
    }

    static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
