using Tandem.Models.Ranking;
using Tandem.Models.Recipes;
using Tandem.Models.Training;
using Tandem.Tests;

namespace Tandem.Models.Tests.Ranking;

public class RankerTests
{
    /// <summary>criteo-10k split at random by impression, every field an embedding of 8, a short run.</summary>
    static ModelRecipe Criteo(RankerRecipe ranker) => new()
    {
        Data = new DataRecipe { Dataset = "criteo-10k", MinCount = 5 },
        Split = new SplitRecipe { By = SplitKind.Impression, TestFraction = 0.2, ValidationFraction = 0.1 },
        Ranker = ranker with { EmbeddingDimension = 8, Hidden = [64] },
        Training = new TrainerOptions { Epochs = 4, Patience = 2, BatchSize = 256, Threads = 1 },
    };

    static readonly Lazy<ClickData> CriteoData = new(() => ClickData.Load(Criteo(new RankerRecipe()), ImageFixtures.Dataset("criteo-10k")[..^"criteo-10k".Length]));

    public static TheoryData<string> CriteoModels => ["logistic", "twoTower", "deepFm", "dcnV2", "dcnV2Parallel"];

    [Theory]
    [MemberData(nameof(CriteoModels))]
    public void EveryRankerLearnsCriteoClicks(string name)
    {
        var ranker = name switch
        {
            "logistic" => new RankerRecipe { Model = RankerKind.Logistic },
            "twoTower" => new RankerRecipe { Model = RankerKind.TwoTower, ItemFeatures = [.. Enumerable.Range(14, 13).Select(i => $"C{i}")] },
            "deepFm" => new RankerRecipe { Model = RankerKind.DeepFm },
            "dcnV2" => new RankerRecipe { Model = RankerKind.DcnV2, CrossLayers = 2 },
            _ => new RankerRecipe { Model = RankerKind.DcnV2, CrossLayers = 2, Cross = CrossStructure.Parallel },
        };
        var data = CriteoData.Value;
        var (model, result) = data.Train(Criteo(ranker));
        var test = CtrMetrics.Of(model, data, data.TestRows);
        Assert.True(result.Epochs.Count >= 1);
        // The click rate of criteo-10k is about 0.26: a constant scores AUC 0.5 and log loss ≈ 0.57.
        Assert.True(test.Auc > 0.66, $"{name}: test AUC {test.Auc:F4}");
        Assert.True(test.LogLoss < 0.56, $"{name}: test log loss {test.LogLoss:F4}");
        Assert.Equal(CalibrationKind.Isotonic, model.Calibration.Kind);
        Assert.Equal(data.ValidationRows.Length, model.Calibration.Examples);
    }
}
