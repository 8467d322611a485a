using Tandem.Data.Datasets;
using Tandem.Models.Persistence;
using Tandem.Models.Ranking;
using Tandem.Models.Recipes;
using Tandem.Models.Training;
using Tandem.Retrieval;
using Tandem.Tests;

namespace Tandem.Models.Tests.Ranking;

/// <summary>
/// The two-stage pipeline on ml-latest-small: a one-epoch ID-only two-tower model retrieves, a
/// one-epoch logistic-regression ranker (user, item, genres; ratings above 3 are clicks) ranks.
/// </summary>
public class TwoStagePipelineTests
{
    sealed class Bundle
    {
        public required TwoTowerModel Model { get; init; }
        public required EmbeddedCatalogue Catalogue { get; init; }
        public required VectorIndex Index { get; init; }
        public required RankerStage Stage { get; init; }
        public required string ModelPath { get; init; }
        public required string RankerPath { get; init; }
    }

    static readonly Lazy<Bundle> Shared = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("tandem-pipeline-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        var recipe = ModelRecipe.Parse("""{ "user": { "features": ["user"], "hidden": [] }, "item": { "features": ["item"], "hidden": [] }, "training": { "epochs": 1, "threads": 1 } }""");
        using var data = ModelData.Load(recipe, DataDirectory.Resolve(SharedData.Root));
        var (model, _) = data.Train(recipe);
        string modelPath = Path.Combine(dir, "model.tandem");
        TwoTowerModelFile.Save(modelPath, model, EmbeddedCatalogue.Create(model, data));
        var rankerRecipe = new ModelRecipe
        {
            Data = new DataRecipe { Dataset = "ml-latest-small", Clicks = ClickSource.Ratings },
            Split = new SplitRecipe { By = SplitKind.User, TestFraction = 0.2, ValidationFraction = 0.1 },
            Ranker = new RankerRecipe { Model = RankerKind.Logistic, Features = ["user", "item", "genres"], EmbeddingDimension = 8, Calibration = CalibrationKind.Platt },
            Training = new TrainerOptions { Epochs = 1, BatchSize = 1024, Threads = 1 },
        };
        var clicks = ClickData.Load(rankerRecipe, SharedData.Root);
        var (ranker, _) = clicks.Train(rankerRecipe);
        string rankerPath = Path.Combine(dir, "ranker.tandem");
        RankerFile.Save(rankerPath, ranker);
        var loaded = TwoTowerModel.Load(modelPath);
        var catalogue = TwoTowerModelFile.ReadCatalogue(modelPath)!;
        return new Bundle
        {
            Model = loaded, Catalogue = catalogue, Index = catalogue.Index("HNSW32"), ModelPath = modelPath, RankerPath = rankerPath,
            Stage = RankerStage.Load(rankerPath, SharedData.Root, loaded, modelPath, catalogue.ItemKeys),
        };
    });

    static TwoStagePipeline Pipeline(Bundle b, bool rank = true) =>
        new(b.Catalogue.ItemKeys, new IndexRetrieval(b.Index), rank ? b.Stage : null, new MmrDiversity(b.Catalogue.ItemVectors, b.Catalogue.Dimension));

    [Fact]
    public void TheRankerReordersTheUnseenCandidatesByCalibratedClickProbability()
    {
        var b = Shared.Value;
        int user = b.Catalogue.UserOf("1");
        var result = Pipeline(b).Recommend(b.Catalogue.UserVector(user), "1", new PipelineOptions { Candidates = 200, K = 10, Rules = b.Catalogue.Unseen(user) });

        Assert.Equal(["retrieval", "ranker"], result.Stages.Select(s => s.Name));
        Assert.Equal(200, result.Stages[0].Count);
        // Every catalogue item of the two-tower model is an item of the ranker's data (the same ratings.csv).
        Assert.Equal(0, result.Unscored);
        Assert.Equal(200, result.Stages[1].Count);
        Assert.True(result.Ranked);
        Assert.Equal(10, result.Items.Count);
        var seen = b.Catalogue.Seen[user].ToHashSet();
        Assert.All(result.Items, r => Assert.DoesNotContain(r.Row, seen));
        var probabilities = result.Items.Select(r => r.Probability!.Value).ToArray();
        Assert.Equal(probabilities.OrderDescending(), probabilities);
        Assert.All(result.Items, r => Assert.InRange(r.Probability!.Value, 0, 1));
        // Each probability is the calibration of the logit the ranker gives the pair alone (batching changes nothing).
        int rankerUser = b.Stage.UserOf("1");
        foreach (var r in result.Items)
        {
            var one = new float[1];
            b.Stage.Score(rankerUser, [b.Stage.ItemOf(r.Item!)], one);
            Assert.Equal(one[0], r.Logit!.Value, 1e-5f);
            Assert.Equal(b.Stage.Calibration.Probability(one[0]), r.Probability!.Value, 1e-6);
        }
        // The ten are the likeliest clicks of the 200 retrieved, not retrieval's top ten.
        var retrieved = b.Catalogue.Recommend(b.Index, user, 200);
        Assert.Equal(retrieved.Select(c => c.Score).Take(10), Pipeline(b, rank: false).Recommend(b.Catalogue.UserVector(user), "1",
            new PipelineOptions { Candidates = 200, K = 10, Rules = b.Catalogue.Unseen(user) }).Items.Select(r => r.RetrievalScore));
        var codes = retrieved.Select(c => b.Stage.ItemOf(b.Catalogue.ItemKeys[c.Item])).ToArray();
        var all = new float[codes.Length];
        b.Stage.Score(rankerUser, codes, all);
        float tenth = all.OrderDescending().ElementAt(9);
        Assert.All(result.Items, r => Assert.True(r.Logit >= tenth - 1e-5f, $"{r.Item}: logit {r.Logit} below the tenth best {tenth}"));
    }

    [Fact]
    public void AUserTheRankerDoesNotKnowGetsRetrievalsAnswerAndTheStagesSaySo()
    {
        var b = Shared.Value;
        int user = b.Catalogue.UserOf("1");
        var result = Pipeline(b).Recommend(b.Catalogue.UserVector(user), "no such user", new PipelineOptions { Candidates = 50, K = 5 });
        Assert.Equal(["retrieval"], result.Stages.Select(s => s.Name));
        Assert.False(result.Ranked);
        Assert.All(result.Items, r => Assert.Null(r.Probability));
        var scores = result.Items.Select(r => r.RetrievalScore).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    /// <summary>Retrieval by popularity, a stage of the test's own: the catalogue's most-rated items the rules allow.</summary>
    sealed class PopularRetrieval(EmbeddedCatalogue catalogue) : IRetrievalStage
    {
        public int Retrieve(ReadOnlySpan<float> query, IdFilter? rules, Span<int> rows, Span<float> scores)
        {
            var top = Enumerable.Range(0, catalogue.ItemKeys.Length).Where(i => rules?.Allows(i) ?? true)
                .OrderByDescending(i => catalogue.ItemCounts[i]).Take(rows.Length).ToArray();
            for (int i = 0; i < top.Length; i++) (rows[i], scores[i]) = (top[i], catalogue.ItemCounts[top[i]]);
            return top.Length;
        }
    }

    [Fact]
    public void EachStageIsReplaceableAndDiversityPicksAmongTheRankedCandidates()
    {
        var b = Shared.Value;
        int user = b.Catalogue.UserOf("7");
        var rules = b.Catalogue.Unseen(user);
        var popular = new TwoStagePipeline(b.Catalogue.ItemKeys, new PopularRetrieval(b.Catalogue), b.Stage, new MmrDiversity(b.Catalogue.ItemVectors, b.Catalogue.Dimension));
        var ranked = popular.Recommend([], "7", new PipelineOptions { Candidates = 100, K = 10, Rules = rules });
        var pool = new PopularRetrieval(b.Catalogue);
        var rows = new int[100];
        pool.Retrieve([], rules, rows, new float[100]);
        Assert.All(ranked.Items, r => Assert.Contains(r.Row, rows));
        Assert.Equal(["retrieval", "ranker"], ranked.Stages.Select(s => s.Name));

        var diverse = popular.Recommend([], "7", new PipelineOptions { Candidates = 100, K = 10, Rules = rules, Diversity = 0.9f });
        Assert.Equal(["retrieval", "ranker", "diversity"], diverse.Stages.Select(s => s.Name));
        Assert.Equal(10, diverse.Stages[2].Count);
        // MMR's first pick is the likeliest click; later ones trade probability for dissimilarity.
        Assert.Equal(ranked.Items[0].Item, diverse.Items[0].Item);
        Assert.NotEqual(ranked.Items.Select(r => r.Item), diverse.Items.Select(r => r.Item));
        Assert.All(diverse.Items, r => Assert.Contains(r.Row, rows));
        Assert.True(MeanSimilarity(b, diverse.Items) < MeanSimilarity(b, ranked.Items), "diversity did not lower the picks' mutual similarity");
    }

    static double MeanSimilarity(Bundle b, IReadOnlyList<RankedItem> items)
    {
        int d = b.Catalogue.Dimension;
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < items.Count; i++)
            for (int j = i + 1; j < items.Count; j++, pairs++)
                sum += System.Numerics.Tensors.TensorPrimitives.Dot(b.Catalogue.ItemVectors.AsSpan(items[i].Row * d, d), b.Catalogue.ItemVectors.AsSpan(items[j].Row * d, d));
        return sum / pairs;
    }

    [Fact]
    public void ARankerOfOtherDataIsRefusedNamingTheFileAndTheFeature()
    {
        var b = Shared.Value;
        string criteo = Path.Combine(Path.GetDirectoryName(b.RankerPath)!, "criteo.tandem");
        var recipe = new ModelRecipe
        {
            Data = new DataRecipe { Dataset = "criteo-10k", MinCount = 5 },
            Split = new SplitRecipe { By = SplitKind.Impression, TestFraction = 0.2, ValidationFraction = 0.1 },
            Ranker = new RankerRecipe { Model = RankerKind.Logistic, EmbeddingDimension = 4 },
            Training = new TrainerOptions { Epochs = 1, BatchSize = 1024, Threads = 1 },
        };
        RankerFile.Save(criteo, ClickData.Load(recipe, SharedData.Root).Train(recipe).Ranker);
        var e = Assert.Throws<ModelException>(() => RankerStage.Load(criteo, SharedData.Root, b.Model, b.ModelPath, b.Catalogue.ItemKeys));
        Assert.Equal($"{criteo}: the ranker's data has no user column, so it cannot score {b.ModelPath}'s candidates (whose user feature 'user' reads column 'userId'); train the ranker on the retrieval model's data", e.Message);
        var notRanker = Assert.Throws<ModelException>(() => RankerStage.Load(b.ModelPath, SharedData.Root, b.Model, b.ModelPath, b.Catalogue.ItemKeys));
        Assert.Equal($"{b.ModelPath}: the file holds a two-tower model, not a ranker; train one with a \"ranker\" section", notRanker.Message);
    }

    [Fact]
    public void CountsOutsideTheirRangeAreRefused()
    {
        var b = Shared.Value;
        var pipeline = Pipeline(b);
        var query = b.Catalogue.UserVector(0).ToArray();
        Assert.Throws<ModelException>(() => pipeline.Recommend(query, "1", new PipelineOptions { Candidates = 5, K = 10 }));
        Assert.Throws<ModelException>(() => pipeline.Recommend(query, "1", new PipelineOptions { Candidates = 1001 }));
        Assert.Throws<ModelException>(() => pipeline.Recommend(query, "1", new PipelineOptions { Diversity = 1.5f }));
    }
}
