using Tandem.Data.Batching;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Data.Tables;
using Tandem.Models.Persistence;
using Tandem.Models.Recipes;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Tensors.Autograd;
using Tandem.Tests;

namespace Tandem.Models.Tests.Recipes;

/// <summary>
/// Each group of config keys reaches the model: parse a config, build it over the planted data
/// (ids, genres, a history, a timestamp and a title), and find the parameter, module
/// or loss the key asks for.
/// </summary>
public class ModelRecipeTests
{
    static readonly FeatureSchema Schema = new SchemaBuilder()
        .Interactions(user: "user", item: "item", timestamp: "time")
        .Id("user", "user", Tower.User)
        .Id("item", "item", Tower.Item)
        .MultiCategorical("genres", "genres", Tower.Item)
        .Text("words", "title", Tower.Item)
        .Timestamp("when", "time")
        .Sequence("history", "item", maxLength: 5)
        .Build("planted");

    static readonly InteractionLog Log = Planted.Log(schema: Schema);
    static readonly int[] Rows = Enumerable.Range(0, Log.Count).ToArray();
    static readonly FittedFeatures Fitted = FittedFeatures.Fit(Log, Rows);
    static readonly EncodedData Data = Fitted.Encode(Log, Rows);

    static TwoTowerModel Build(string json, ItemInputs? items = null)
    {
        var recipe = ModelRecipe.Parse(json, "test.json");
        using var catalogue = new ItemInputs(Data, Rows, "item");
        return recipe.Build(Fitted, catalogue.Counts, items);
    }

    static Dictionary<string, int[]> Shapes(TwoTowerModel model) =>
        model.Parameters.ToDictionary(p => p.Name, p => p.Value.Shape.ToArray());

    /// <summary>The loss of the first batch of 32 rows (one fixed batch, no training).</summary>
    static float Loss(TwoTowerModel model)
    {
        using var batcher = new Batcher(Data, Rows, new BatchOptions { BatchSize = 32, Seed = 1, Shuffle = false });
        using var tape = new Tape();
        return model.Loss(tape, batcher.Epoch(0).First(), 0).Value[0];
    }

    [Fact]
    public void TowerKeysShapeTheLayers()
    {
        var model = Build("""
            { "user": { "features": ["user", "history"], "hidden": [32, 16], "activation": "gelu", "normalization": "layer", "dropout": 0.2, "outputDimension": 8, "embeddingDimension": 12 },
              "item": { "features": ["item", "genres"], "hidden": [], "outputDimension": 8, "dimensions": { "genres": 4 }, "l2Normalize": false } }
            """);
        var shapes = Shapes(model);
        Assert.Equal([12 + 12, 32], shapes["user.hidden0.w"]);
        Assert.Equal([32, 16], shapes["user.hidden1.w"]);
        Assert.Equal([32], shapes["user.norm0.gamma"]);
        Assert.Equal([16, 8], shapes["user.output.w"]);
        Assert.DoesNotContain("item.hidden0.w", shapes.Keys);
        Assert.Equal(4, shapes["genres.embedding"][1]);
        Assert.Equal([64 + 4, 8], shapes["item.output.w"]); // the item id at the default 64 ⊕ genres at 4, no hidden layer
    }

    [Theory]
    [InlineData("attention", "history.query")]
    [InlineData("gru", "history.gru.wx")]
    [InlineData("selfAttention", "history.positions")]
    public void HistoryPoolingAddsItsParameters(string pooling, string parameter)
    {
        var model = Build($$"""{ "user": { "features": ["user", "history"], "sequence": { "pooling": "{{pooling}}" } } }""");
        Assert.Contains(parameter, Shapes(model).Keys);
        Assert.DoesNotContain(parameter, Shapes(Build("""{ "user": { "features": ["user", "history"] } }""")).Keys);
    }

    [Fact]
    public void HistoryKeysChangeWhatIsTrainedOn()
    {
        using var users = new UserInputs(Log, Fitted, Data, Rows);
        var recipe = ModelRecipe.Parse("""{ "user": { "features": ["user", "history"], "sequence": { "leaveOneOut": false, "timeDecay": 0.5 } } }""");
        Assert.Equal(0.5f, recipe.User.Sequence.TimeDecay);
        using var catalogue = new ItemInputs(Data, Rows, "item");
        Assert.Null(recipe.Build(Fitted, catalogue.Counts, histories: users).LeaveOneOutHistories);
        Assert.Same(users, ModelRecipe.Parse("{}").Build(Fitted, catalogue.Counts, histories: users).LeaveOneOutHistories);
        // Time decay weighs events by age: the same weights give a different loss.
        Assert.NotEqual(Loss(recipe.Build(Fitted, catalogue.Counts)), Loss(ModelRecipe.Parse("""{ "user": { "features": ["user", "history"] } }""").Build(Fitted, catalogue.Counts)));
    }

    [Theory]
    [InlineData("""{ "task": { "loss": "bpr" } }""")]
    [InlineData("""{ "task": { "loss": "hinge", "margin": 0.5 } }""")]
    [InlineData("""{ "task": { "loss": "sampledBce" } }""")]
    [InlineData("""{ "task": { "temperature": 0.2 } }""")]
    [InlineData("""{ "task": { "logQ": "none" } }""")]
    [InlineData("""{ "task": { "logQ": "streaming" } }""")]
    [InlineData("""{ "task": { "symmetric": true } }""")]
    [InlineData("""{ "task": { "hardNegatives": 3 } }""")]
    [InlineData("""{ "task": { "removeAccidentalHits": false } }""")]
    public void LossKeysChangeTheLoss(string json)
    {
        // Same seed, so the same initial weights: only the task differs.
        float baseline = Loss(Build("{}"));
        float changed = Loss(Build(json));
        Assert.True(float.IsFinite(changed));
        Assert.NotEqual(baseline, changed);
    }

    [Fact]
    public void LossKindsBuildTheirTasks()
    {
        Assert.IsType<RetrievalTask>(Build("{}").Task);
        Assert.IsType<RankingLossTask>(Build("""{ "task": { "loss": "bpr" } }""").Task);
        var tweaks = ((RetrievalTask)Build("""{ "task": { "logQ": "streaming", "hardNegatives": 2 } }""").Task).Tweaks;
        Assert.Contains(tweaks, t => t is StreamingLogQ);
        Assert.Contains(tweaks, t => t is HardNegatives { Count: 2 });
        Assert.DoesNotContain(((RetrievalTask)Build("""{ "task": { "logQ": "none", "removeAccidentalHits": false } }""").Task).Tweaks, t => t is LogQFromCounts or RemoveAccidentalHits);
    }

    [Theory]
    [InlineData("uniform", typeof(UniformSampler))]
    [InlineData("popularity", typeof(PopularitySampler))]
    public void NegativesKeysAddSampledNegatives(string sampler, Type type)
    {
        using var catalogue = new ItemInputs(Data, Rows, "item");
        var model = Build($$"""{ "task": { "negatives": { "count": 16, "sampler": "{{sampler}}" } } }""", catalogue);
        Assert.Equal(16, model.ExtraNegatives);
        Assert.IsType(type, model.Sampler);
        Assert.NotEqual(Loss(Build("{}")), Loss(model));
        // Without a catalogue to draw from (a model loaded to score), no sampler is made.
        Assert.Equal(0, Build("""{ "task": { "negatives": { "count": 16 } } }""").ExtraNegatives);
    }

    [Fact]
    public void EncoderKeysChooseTheModules()
    {
        var model = Build("""
            { "user": { "features": ["user", "when"] },
              "item": { "features": ["item", "words", "genres"], "text": { "encoding": "transformer", "layers": 1, "heads": 2 }, "fusion": { "kind": "gated", "modalityDropout": 0.1 } } }
            """);
        Assert.Contains(model.Item.Modules, m => m is TextTransformer);
        Assert.Contains(model.User.Modules, m => m is TimestampEmbedding);
        var shapes = Shapes(model);
        Assert.Contains("item.fusion.gate.w", shapes.Keys);
        Assert.Equal([24, 64], shapes["when.hour_of_day.embedding"]);
        Assert.Equal([7, 64], shapes["when.day_of_week.embedding"]);
        Assert.Contains(Build("""{ "item": { "features": ["item", "words"] } }""").Item.Modules, m => m is TextBag);
    }

    [Fact]
    public void EveryDeclaredFeatureIsReadByDefaultAndAnUnreadOneIsNamed()
    {
        Assert.Empty(ModelRecipe.Unused(Build("{}")));
        var unused = ModelRecipe.Unused(Build("""{ "user": { "features": ["user"] }, "item": { "features": ["item", "genres"] } }"""));
        Assert.Equal(3, unused.Count);
        Assert.StartsWith("feature 'words' (Text, Item) is declared but no tower reads it", unused[0]);
        Assert.Contains(unused, u => u.StartsWith("feature 'when'", StringComparison.Ordinal));
        Assert.Contains(unused, u => u.StartsWith("feature 'history'", StringComparison.Ordinal));
    }

    [Fact]
    public void TheJsonRoundTripsAndDefaultsAreTheDocumentedOnes()
    {
        var recipe = ModelRecipe.Parse("""{ "user": { "hidden": [64] }, "task": { "loss": "hinge" }, "training": { "optimizer": "adamW" } }""");
        Assert.Equal(recipe.ToJson(), ModelRecipe.Parse(recipe.ToJson()).ToJson());
        var defaults = new ModelRecipe();
        Assert.Equal(0.1f, defaults.Task.Temperature);
        Assert.Equal(20, defaults.Training.Epochs);
        Assert.Equal(5, defaults.Training.Patience);
        Assert.Equal(0.5f, defaults.User.Sequence.Dropout);
        Assert.Equal([128], defaults.User.Hidden);
        Assert.Equal("ml-latest-small", defaults.Data.Named);
    }

    [Theory]
    [InlineData("""{ "training": { "batchSize": 1 } }""", "test.json: field 'training.batchSize' is 1; it must be at least 2")]
    [InlineData("""{ "task": { "negatives": { "power": -1 } } }""", "test.json: field 'task.negatives.power' is -1; it must be 0 or more (0.75 is word2vec's)")]
    [InlineData("""{ "task": { "loss": "bpr", "symmetric": true } }""", "test.json: field 'task.symmetric' is true; it applies to the softmax loss only; the loss is Bpr")]
    [InlineData("""{ "split": { "validationFraction": 1 } }""", "test.json: field 'split.validationFraction' is 1; it must be in [0, 1), e.g. 0.1")]
    [InlineData("""{ "user": { "dropout": 1.5 } }""", "test.json: field 'user.dropout' is 1.5; it must be in [0, 1)")]
    [InlineData("""{ "task": { "candidates": "catalogue", "loss": "bpr" } }""", "test.json: field 'task.candidates' is \"catalogue\"; it applies to the softmax loss only; the loss is Bpr")]
    [InlineData("""{ "task": { "candidates": "catalogue", "negatives": { "count": 8 } } }""", "test.json: field 'task.negatives.count' is 8; it adds nothing to the full catalogue; set it to 0 or task.candidates to inBatch")]
    [InlineData("""{ "task": { "examples": "users" } }""", "test.json: field 'task.examples' is \"users\"; it scores each user against the whole catalogue; set task.candidates to catalogue")]
    [InlineData("""{ "task": { "examples": "users", "candidates": "catalogue", "hardNegatives": 5 } }""", "test.json: field 'task.hardNegatives' is 5; it needs one target per row; set it to 0 or task.examples to interactions")]
    [InlineData("""{ "user": { "sequence": { "dropout": 1 } } }""", "test.json: field 'user.sequence.dropout' is 1; it must be in [0, 1)")]
    [InlineData("""{ "user": { "sequence": { "maxLength": -1 } } }""", "test.json: field 'user.sequence.maxLength' is -1; it must be at least 0")]
    [InlineData("""{ "data": { "dataset": "ml-100k", "schema": "s.json" } }""", "test.json: field 'data.dataset' is \"ml-100k\"; it cannot be set with \"data.schema\": the schema file describes the data")]
    public void BadValuesNameTheField(string json, string message) =>
        Assert.Equal(message, Assert.Throws<ModelException>(() => ModelRecipe.Parse(json, "test.json")).Message);

    [Fact]
    public void HistoriesCanShareTheItemTowersIdTable()
    {
        var model = Build("""{ "user": { "features": ["history"], "sequence": { "shareItemEmbeddings": true, "dropout": 0.3 } }, "item": { "features": ["item", "genres"] } }""");
        var history = model.User.Modules.OfType<SequenceEncoder>().Single();
        var ids = model.Item.Modules.OfType<IdEmbedding>().Single(m => m.Spec.Name == "item");
        Assert.Same(ids.Table, history.Table);
        // Listed once, so the optimizer steps it once and the file saves it once.
        Assert.Single(model.Parameters, p => ReferenceEquals(p, ids.Table));
        Assert.Contains(model.Generators, g => g.Name == "user.history.dropout");
        // The history's ids are mapped to the item table's rows: the loss is finite and its gradient reaches the shared table.
        using var batcher = new Batcher(Data, Rows, new BatchOptions { BatchSize = 32, Seed = 1, Shuffle = false });
        using var tape = new Tape();
        var loss = model.Loss(tape, batcher.Epoch(0).First(), 0);
        tape.Backward(loss);
        Assert.True(float.IsFinite(loss.Value[0]));
        Assert.True(ids.Table.SparseGrad!.Count > 0);
        var m = Assert.Throws<ModelException>(() => Build("""{ "user": { "features": ["history"], "sequence": { "shareItemEmbeddings": true } }, "item": { "features": ["genres"] } }""")).Message;
        Assert.Contains("no id embedding to share", m);
    }

    [Fact]
    public void CatalogueCandidatesScoreEveryItem()
    {
        using var catalogue = new ItemInputs(Data, Rows, "item");
        var model = Build("""{ "task": { "candidates": "catalogue", "temperature": 0.2 } }""", catalogue);
        Assert.True(model.FullSoftmax);
        // No logQ and no accidental hits: the full catalogue is no sample and holds each item once.
        Assert.Empty(((RetrievalTask)model.Task).Tweaks);
        float full = Loss(model);
        Assert.True(float.IsFinite(full));
        Assert.NotEqual(Loss(Build("""{ "task": { "temperature": 0.2 } }""", catalogue)), full);
    }

    [Fact]
    public void AModelFileRebuildsFromItselfWithItsCatalogue()
    {
        using var temp = new TempDirectory();
        var model = Build("""{ "user": { "features": ["user", "history", "when"], "normalization": "batch" }, "item": { "features": ["item", "genres", "words"] } }""");
        string path = temp.File("model.tandem");
        var catalogue = new EmbeddedCatalogue(2, ["a", "b"], [1, 0, 0, 1], [3, 1], ["u"], [0.6f, 0.8f], [[1]]);
        model.Save(path, catalogue);

        var loaded = TwoTowerModel.Load(path);
        Assert.Equal(model.Recipe!.ToJson(), loaded.Recipe!.ToJson());
        Assert.Equal(model.ItemCounts, loaded.ItemCounts);
        foreach (var (a, b) in model.Parameters.Zip(loaded.Parameters))
        {
            Assert.Equal(a.Name, b.Name);
            Assert.True(a.Value.Span.SequenceEqual(b.Value.Span), a.Name);
        }
        var read = TwoTowerModelFile.ReadCatalogue(path)!;
        Assert.Equal(["a", "b"], read.ItemKeys);
        Assert.Equal([1f, 0, 0, 1], read.ItemVectors);
        Assert.Equal(0, read.UserOf("u"));
        Assert.Equal([1], read.Seen[0]);
    }
}

/// <summary>docs/config.md names every key of the recipe, so the docs cannot drift from the code.</summary>
public class ConfigDocsTests
{
    [Fact]
    public void TheConfigPageDocumentsEveryKey()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tandem.sln"))) root = Path.GetDirectoryName(root)!;
        string page = File.ReadAllText(Path.Combine(root, "docs", "config.md"));
        // With a ranker section, so its keys are walked too.
        using var json = System.Text.Json.JsonDocument.Parse(new ModelRecipe { Ranker = new RankerRecipe() }.ToJson());
        var keys = new List<string>();
        void Walk(System.Text.Json.JsonElement e, string prefix)
        {
            foreach (var p in e.EnumerateObject())
            {
                string key = prefix + p.Name;
                keys.Add(key);
                if (p.Value.ValueKind == System.Text.Json.JsonValueKind.Object) Walk(p.Value, key + ".");
            }
        }
        Walk(json.RootElement, "");
        Assert.True(keys.Count > 60, $"{keys.Count} keys");
        foreach (string key in keys)
        {
            // Tower keys are documented once for both towers, without the side.
            string documented = key.StartsWith("user.", StringComparison.Ordinal) || key.StartsWith("item.", StringComparison.Ordinal) ? key[5..] : key;
            if (documented is "user" or "item" or "data" or "split" or "task" or "training" or "fusion" or "text" or "sequence" or "image" or "task.negatives" or "ranker") continue;
            Assert.True(page.Contains($"`{documented}`", StringComparison.Ordinal), $"docs/config.md does not document '{key}'");
        }
    }

    [Fact]
    public void TheConfigPageDocumentsEveryCrossModalKey()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tandem.sln"))) root = Path.GetDirectoryName(root)!;
        string page = File.ReadAllText(Path.Combine(root, "docs", "config.md"));
        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(new Tandem.Models.CrossModal.CrossModalRecipe(), ModelRecipe.Json));
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(13, keys.Length);
        foreach (string key in keys) Assert.True(page.Contains($"| `{key}` |", StringComparison.Ordinal), $"docs/config.md does not document cross-modal '{key}'");
    }
}
