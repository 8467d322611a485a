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

    static readonly string DataDir = SharedData.Root;
    static readonly Lazy<ClickData> CriteoData = new(() => ClickData.Load(Criteo(new RankerRecipe()), DataDir));

    static ModelRecipe MovieLens(RankerRecipe ranker) => new()
    {
        Data = new DataRecipe { Dataset = "ml-latest-small", Clicks = ClickSource.Ratings },
        Split = new SplitRecipe { By = SplitKind.User, TestFraction = 0.2, ValidationFraction = 0.1 },
        Ranker = ranker with { EmbeddingDimension = 8, Hidden = [32] },
        Training = new TrainerOptions { Epochs = 1, Patience = 0, BatchSize = 1024, Threads = 1 },
    };

    static readonly Lazy<ClickData> MovieLensData = new(() => ClickData.Load(MovieLens(new RankerRecipe()), DataDir));

    public static TheoryData<string> CriteoModels => ["logistic", "twoTower", "multiTask", "deepFm", "dcnV2", "dcnV2Parallel", "wideDeep"];

    [Theory]
    [MemberData(nameof(CriteoModels))]
    public void EveryRankerLearnsCriteoClicks(string name)
    {
        var ranker = name switch
        {
            "logistic" => new RankerRecipe { Model = RankerKind.Logistic },
            "twoTower" => new RankerRecipe { Model = RankerKind.TwoTower, ItemFeatures = [.. Enumerable.Range(14, 13).Select(i => $"C{i}")] },
            "multiTask" => new RankerRecipe { Model = RankerKind.MultiTask, ItemFeatures = [.. Enumerable.Range(14, 13).Select(i => $"C{i}")] },
            "deepFm" => new RankerRecipe { Model = RankerKind.DeepFm },
            "wideDeep" => new RankerRecipe { Model = RankerKind.WideDeep },
            "dcnV2" => new RankerRecipe { Model = RankerKind.DcnV2, CrossLayers = 2 },
            _ => new RankerRecipe { Model = RankerKind.DcnV2, CrossLayers = 2, Cross = CrossStructure.Parallel },
        };
        var data = CriteoData.Value;
        var (model, result) = data.Train(Criteo(ranker));
        var test = CtrMetrics.Of(model, data, data.TestRows);
        Assert.True(result.Epochs.Count >= 1);
        // criteo-10k's click rate is 0.218: a constant scores AUC 0.5 and log loss
        // −(0.218·ln 0.218 + 0.782·ln 0.782) = 0.524.
        Assert.True(test.Auc > 0.68, $"{name}: test AUC {test.Auc:F4}");
        Assert.True(test.LogLoss < 0.50, $"{name}: test log loss {test.LogLoss:F4}");
        Assert.Equal(CalibrationKind.Isotonic, model.Calibration.Kind);
        Assert.Equal(data.ValidationRows.Length, model.Calibration.Examples);
    }

    [Fact]
    public void ValidationIsCarvedFromTrainingAndNoImpressionIsInTwoSplits()
    {
        var data = CriteoData.Value;
        int all = data.Log.Count;
        Assert.Equal(all, data.TrainRows.Length + data.ValidationRows.Length + data.TestRows.Length);
        Assert.Equal(all, data.TrainRows.Concat(data.ValidationRows).Concat(data.TestRows).Distinct().Count());
        // Test 20% of 10,000 rows; validation 10% of the other 8,000.
        Assert.Equal(2000, data.TestRows.Length);
        Assert.Equal(800, data.ValidationRows.Length);
    }

    [Fact]
    public void ASavedRankerScoresWithTheSameBitsAndKeepsItsCalibration()
    {
        var data = CriteoData.Value;
        var recipe = Criteo(new RankerRecipe { Model = RankerKind.DcnV2, CrossLayers = 1, Calibration = CalibrationKind.Platt }) with { Training = new TrainerOptions { Epochs = 1, BatchSize = 256, Threads = 1 } };
        var (ranker, _) = data.Train(recipe);
        string path = Path.Combine(Path.GetTempPath(), $"ranker-{Guid.NewGuid():N}.tandem");
        try
        {
            RankerFile.Save(path, ranker);
            Assert.True(RankerFile.IsRanker(path));
            var loaded = RankerFile.Load(path);
            Assert.Equal(ranker.Logits(data.Data, data.TestRows), loaded.Logits(data.Data, data.TestRows));
            Assert.Equal(ranker.Calibration.Platt, loaded.Calibration.Platt);
            Assert.Equal(ranker.Probabilities(data.Data, data.TestRows), loaded.Probabilities(data.Data, data.TestRows));
            var e = Assert.Throws<Tandem.IO.TandemFileException>(() => TwoTowerModel.Load(path));
            Assert.Contains("it holds a ranker (a CTR model), not a two-tower model; load it with RankerFile.Load", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RatingsAboveThreeAreClicksBelowThreeNonClicksAndThreeIsDropped()
    {
        var data = MovieLensData.Value;
        var ratings = data.Log.Ratings!;
        var rows = data.TrainRows.Concat(data.ValidationRows).Concat(data.TestRows).ToArray();
        Assert.Equal(ratings.Count(r => r != 3), rows.Length);
        Assert.All(rows, r => Assert.Equal(ratings[r] > 3 ? 1f : 0f, data.Labels[r]));
        Assert.All(rows, r => Assert.NotEqual(3f, ratings[r]));
    }

    [Fact]
    public void DinLearnsMovieLensClicksFromTheUsersHistory()
    {
        var data = MovieLensData.Value;
        var (ranker, _) = data.Train(MovieLens(new RankerRecipe { Model = RankerKind.Din, Features = ["user", "item", "genres"] }));
        var test = CtrMetrics.Of(ranker, data, data.TestRows);
        Assert.True(test.Auc > 0.72, $"test AUC {test.Auc:F4}");
        Assert.NotNull(test.GroupAuc);
        Assert.True(test.GroupAuc > 0.6, $"test gAUC {test.GroupAuc:F4}");
    }

    [Fact]
    public void TheMultiTaskTwoTowerRetrievesClickedItemsBetterThanBceAloneAndStillPredictsClicks()
    {
        var data = MovieLensData.Value;
        var recipe = MovieLens(new RankerRecipe { Model = RankerKind.TwoTower, Features = ["user", "item", "genres"], OutputDimension = 16, Calibration = CalibrationKind.Platt })
            with { Training = new TrainerOptions { Epochs = 2, Patience = 0, BatchSize = 1024, Threads = 1 } };
        var (bce, _) = data.Train(recipe);
        var (multi, _) = data.Train(recipe with { Ranker = recipe.Ranker! with { Model = RankerKind.MultiTask } });
        double bceRecall = TestRecallAt10(bce, data), multiRecall = TestRecallAt10(multi, data);
        var test = CtrMetrics.Of(multi, data, data.TestRows);
        Assert.True(multiRecall > bceRecall + 0.003, $"Recall@10 multi-task {multiRecall:F4}, BCE alone {bceRecall:F4}");
        Assert.True(test.Auc > 0.72, $"multi-task test AUC {test.Auc:F4}");
    }

    /// <summary>
    /// Retrieval among the test clicks: each clicked test impression's user/context vector ranks one
    /// item-tower vector per distinct clicked test item; the share whose own item is in its top 10.
    /// </summary>
    static double TestRecallAt10(Ranker ranker, ClickData data, int[]? rows = null)
    {
        var clicks = (rows ?? data.TestRows).Where(r => data.Labels[r] == 1).ToArray();
        var items = data.Log.ItemCodes.ToArray();
        var firstOfItem = clicks.GroupBy(r => items[r]).Select(g => g.First()).ToArray();
        var (users, _) = ranker.TowerOutputs(data.Data, clicks);
        var (_, catalogue) = ranker.TowerOutputs(data.Data, firstOfItem);
        int d = ranker.Options.OutputDimension, hits = 0;
        var scores = new float[firstOfItem.Length];
        for (int i = 0; i < clicks.Length; i++)
        {
            var u = users.AsSpan(i * d, d);
            int own = -1;
            for (int j = 0; j < firstOfItem.Length; j++)
            {
                scores[j] = System.Numerics.Tensors.TensorPrimitives.Dot(u, catalogue.AsSpan(j * d, d));
                if (items[firstOfItem[j]] == items[clicks[i]]) own = j;
            }
            int better = scores.Count(s => s > scores[own]);
            if (better < 10) hits++;
        }
        return (double)hits / clicks.Length;
    }

    [Fact]
    public void AnImplicitLogGetsSeededNonClicksOfItemsTheUserNeverChoseInTheSplitOfTheirClick()
    {
        static ModelRecipe Implicit(ulong seed) => MovieLens(new RankerRecipe { Model = RankerKind.Logistic, Calibration = CalibrationKind.Platt }) with
        {
            Data = new DataRecipe { Dataset = "ml-latest-small", Clicks = ClickSource.Implicit, Negatives = 2 },
            Split = new SplitRecipe { By = SplitKind.User, TestFraction = 0.2, ValidationFraction = 0.1, Seed = seed },
            Training = new TrainerOptions { Epochs = 1, Patience = 0, BatchSize = 1024, LearningRate = 0.01f, Threads = 1 },
        };
        var data = ClickData.Load(Implicit(42), DataDir);
        int clicks = data.Log.Count;
        // Every rating a click, two non-clicks each: 100,836 × 3 examples.
        Assert.Equal(3 * clicks, data.Data.Count);
        Assert.All(new[] { data.TrainRows, data.ValidationRows, data.TestRows }, rows =>
            Assert.Equal(2 * rows.Count(r => data.Labels[r] == 1), rows.Count(r => data.Labels[r] == 0)));
        Assert.Equal(data.Data.Count, data.TrainRows.Length + data.ValidationRows.Length + data.TestRows.Length);
        var (users, items) = Ids(data, Enumerable.Range(0, data.Data.Count).ToArray());
        var chosen = Enumerable.Range(0, clicks).Select(r => (users[r], items[r])).ToHashSet();
        // Items outside the training vocabulary share id 0, so only known items can be told apart.
        Assert.All(Enumerable.Range(clicks, data.Data.Count - clicks), e => Assert.False(items[e] != 0 && chosen.Contains((users[e], items[e])), $"example {e}"));
        Assert.All(Enumerable.Range(clicks, data.Data.Count - clicks), e => Assert.Equal(0f, data.Labels[e]));

        Assert.Equal(items, Ids(ClickData.Load(Implicit(42), DataDir), Enumerable.Range(0, data.Data.Count).ToArray()).Items);
        Assert.NotEqual(items, Ids(ClickData.Load(Implicit(43), DataDir), Enumerable.Range(0, data.Data.Count).ToArray()).Items);

        var (ranker, _) = data.Train(Implicit(42));
        double auc = CtrMetrics.Of(ranker, data, data.TestRows).Auc;
        Assert.True(auc > 0.75, $"test AUC {auc:F4}");
    }

    static (int[] Users, int[] Items) Ids(ClickData data, int[] rows)
    {
        using var batch = data.Data.CreateBatch();
        data.Data.Fill(batch, rows);
        return (batch["user"].Ids.AsSpan(0, rows.Length).ToArray(), batch["item"].Ids.AsSpan(0, rows.Length).ToArray());
    }

    [Fact]
    public void RankersSayWhatTheDataLacks()
    {
        var data = CriteoData.Value;
        var din = Assert.Throws<ModelException>(() => data.Train(Criteo(new RankerRecipe { Model = RankerKind.Din })));
        Assert.Equal("the DIN ranker needs the user's history: declare one sequence feature in the schema or name it in ranker.history", din.Message);
        var towers = Assert.Throws<ModelException>(() => data.Train(Criteo(new RankerRecipe { Model = RankerKind.TwoTower })));
        Assert.Equal("the two-tower ranker needs fields on both sides; it has 39 user/context and 0 item fields: set ranker.itemFeatures to the item side's features", towers.Message);
        var time = Assert.Throws<ModelException>(() => ClickData.Load(Criteo(new RankerRecipe()) with { Split = new SplitRecipe { By = SplitKind.Time } }, DataDir));
        Assert.EndsWith("criteo_sampled_data_10k.csv: \"split.by\" is \"time\" but the schema names no timestamp column; set \"timestamp\" under \"interactions\" or split by \"impression\"", time.Message);
        var noLabel = Assert.Throws<ModelException>(() => ClickData.Load(MovieLens(new RankerRecipe()) with { Data = new DataRecipe { Dataset = "ml-latest-small" } }, DataDir));
        Assert.EndsWith("ratings.csv: the schema names no label column; set \"label\" under \"interactions\" (each 0 or 1), or \"data.clicks\": \"ratings\" to turn ratings into clicks", noLabel.Message);
        var clicks = Assert.Throws<ModelException>(() => ModelRecipe.Parse("{ \"split\": { \"by\": \"impression\" } }"));
        Assert.Equal("config: field 'split.by' is \"impression\"; it applies to rankers only (set \"ranker\"); two-tower models split per user", clicks.Message);
    }

    [Fact]
    public void ATemporalSplitHoldsOutTheNewestImpressionsAndCarvesValidationBeforeThem()
    {
        var data = ClickData.Load(MovieLens(new RankerRecipe()) with { Split = new SplitRecipe { By = SplitKind.Time, TestFraction = 0.2, ValidationFraction = 0.1 } }, DataDir);
        var t = data.Log.Timestamps!;
        long lastTrain = data.TrainRows.Max(r => t[r]), firstValidation = data.ValidationRows.Min(r => t[r]);
        Assert.True(lastTrain <= firstValidation);
        Assert.True(data.ValidationRows.Max(r => t[r]) <= data.TestRows.Min(r => t[r]));
        Assert.InRange(data.TestRows.Length, 0.19 * 80_789, 0.21 * 80_789);
    }

    [Fact]
    public void AnySchemaWithALabelColumnTrainsARanker()
    {
        // A schema file over the first 3,000 criteo-10k rows, renamed: 'clicked' is the label, two
        // categoricals and a numeric are the fields.
        string dir = Directory.CreateTempSubdirectory("tandem-ranker-schema-").FullName;
        var lines = File.ReadLines(Path.Combine(DataDir, "criteo-10k", "criteo_sampled_data_10k.csv")).Take(3001).ToArray();
        lines[0] = lines[0].Replace("label,", "clicked,");
        File.WriteAllLines(Path.Combine(dir, "ads.csv"), lines);
        File.WriteAllText(Path.Combine(dir, "schema.json"), """
            { "data": { "interactions": "ads.csv" },
              "interactions": { "label": "clicked" },
              "features": [
                { "name": "site", "column": "C1", "kind": "categorical", "min_count": 2 },
                { "name": "slot", "column": "C6", "kind": "categorical", "min_count": 2 },
                { "name": "count", "column": "I5", "kind": "numeric", "transform": "log_squared", "missing": "impute_mean" } ] }
            """);
        var recipe = ModelRecipe.Parse($$"""
            { "data": { "schema": "{{Path.Combine(dir, "schema.json").Replace("\\", "/")}}" },
              "split": { "by": "impression", "testFraction": 0.2 },
              "ranker": { "model": "logistic", "calibration": "platt" },
              "training": { "epochs": 5, "batchSize": 128, "learningRate": 0.01, "threads": 1 } }
            """);
        var data = ClickData.Load(recipe, null);
        var (ranker, _) = data.Train(recipe);
        Assert.Equal(3, ranker.Parameters.Count(p => p.Name.EndsWith(".weight", StringComparison.Ordinal)));
        double auc = CtrMetrics.Of(ranker, data, data.TestRows).Auc;
        Assert.True(auc > 0.55, $"test AUC {auc:F4}");
    }
}
