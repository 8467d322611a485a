using Tandem.Tests;
using Tandem.Models.Recipes;
using Tandem.Data.Datasets;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;
using Tandem.Retrieval;

namespace Tandem.Cli.Tests;

/// <summary>
/// <c>tandem train --config</c> with a schema file over data files other than the quickstart's:
/// generated JSON Lines interactions with a CSV item table, and the real ml-latest-small through
/// a schema of its own; then <c>tandem index build --model</c> on the trained model.
/// </summary>
public sealed class SchemaTrainingTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-schema-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string InDir(string name) => Path.Combine(directory, name);

    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    const string Schema = """
        {
          "interactions": { "user": "user", "item": "item", "timestamp": "ts" },
          "features": [
            { "name": "user", "column": "user", "kind": "id", "tower": "user" },
            { "name": "item", "column": "item", "kind": "id", "tower": "item" },
            { "name": "tags", "column": "tags", "kind": "multi_categorical", "tower": "item", "separator": "|" },
            { "name": "history", "column": "item", "kind": "sequence", "max_length": 10 }
          ]
        }
        """;

    /// <summary>
    /// 40 users × 10 distinct items of 60 (item i tagged "t{i % 5}"); each user picks from the 12
    /// items of one tag. <paramref name="badLine"/> &gt; 0 replaces that line's timestamp with a word.
    /// </summary>
    string WriteData(int badLine = 0)
    {
        var random = new Random(7);
        using (var items = new StreamWriter(InDir("items.csv")))
        {
            items.WriteLine("item,tags");
            for (int i = 1; i <= 60; i++) items.WriteLine($"{i},t{i % 5}|all");
        }
        using (var log = new StreamWriter(InDir("interactions.jsonl")))
        {
            int line = 0;
            for (int u = 0; u < 40; u++)
            {
                var group = Enumerable.Range(0, 12).ToArray();
                random.Shuffle(group);
                foreach (int g in group[..10])
                {
                    string ts = ++line == badLine ? "\"soon\"" : (1_600_000_000 + line * 60).ToString();
                    log.WriteLine($$"""{"user": "u{{u}}", "item": {{g * 5 + u % 5 + 1}}, "ts": {{ts}}}""");
                }
            }
        }
        File.WriteAllText(InDir("schema.json"), Schema);
        File.WriteAllText(InDir("train.json"), """
            // The schema file names the features; the data files are named here, relative to this file.
            {
              "data": { "schema": "schema.json", "files": { "interactions": "interactions.jsonl", "items": "items.csv" } },
              "user": { "embeddingDimension": 16, "outputDimension": 16 },
              "item": { "embeddingDimension": 16, "outputDimension": 16 },
              "training": { "epochs": 2, "batchSize": 64 }
            }
            """);
        return InDir("train.json");
    }

    [Fact]
    public void TrainsFromASchemaFileThenEvaluatesAndIndexesTheItems()
    {
        string config = WriteData();
        var (code, output, error) = Run("train", "--config", config, "--out", InDir("model"));
        Assert.True(code == 0, error);
        Assert.Contains("Training two-tower: at most 2 epochs, stopping early", output);
        // 10 distinct items per user, floor(0.25 × 10) = 2 held out each: all 40 users are evaluated.
        Assert.Contains("Held-out interactions of 40 users", output);
        Assert.DoesNotContain("Skipped", output);
        string model = Path.Combine(InDir("model"), ModelCommands.ModelFile);

        (code, output, error) = Run("evaluate", "--model", model);
        Assert.True(code == 0, error);
        Assert.Contains("40 users", output);

        (code, output, error) = Run("recommend", "--model", model, "--user", "u3", "-k", "5");
        Assert.True(code == 0, error);
        Assert.Contains("Top 5 unseen items for user u3", output);
        (code, _, error) = Run("recommend", "--model", model, "--user", "nobody");
        Assert.Equal(1, code);
        Assert.Equal("tandem: user 'nobody' is not in model.tandem's training data; use a user id of the data it was trained on", error.Trim());

        (code, output, error) = Run("index", "build", "--model", model, "--spec", "Flat", "--out", InDir("items.idx"));
        Assert.True(code == 0, error);
        var (vectors, ids, _) = ItemEmbeddings.Embed(model);
        Assert.Contains($"Built Flat over {ids.Length} 16-d vectors (the item tower of model.tandem)", output);
        // Ids are positions in the model's embedded catalogue (all 60 items are in training), the numbering recommend and the service use.
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), ids);
        using var index = VectorIndex.Load(InDir("items.idx"));
        Assert.Equal(ids.Length, index.Count);
        // The tower's output is L2-normalised, so under inner product each item's nearest vector is its own.
        var scores = new float[1];
        var found = new long[1];
        for (int i = 0; i < ids.Length; i++)
        {
            index.Search(vectors.Row(i), 1, scores, found);
            Assert.Equal(ids[i], found[0]);
            Assert.Equal(1f, scores[0], 1e-4f);
        }
    }

    [Fact]
    public void ABadRowStopsTrainingWithItsLocationUnlessSkipped()
    {
        string config = WriteData(badLine: 7);
        string file = InDir("interactions.jsonl");
        var (code, _, error) = Run("train", "--config", config, "--out", InDir("model"));
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {file}:7: column 'ts': expected a number, found \"soon\"", error.Trim());

        (code, var output, error) = Run("train", "--config", config, "--out", InDir("model"), "--skip-bad-rows");
        Assert.True(code == 0, error);
        // 400 interactions and 60 items read, one of them bad.
        Assert.Contains("Skipped 1 bad row(s) of 460 (--skip-bad-rows); the first 1:", output);
        Assert.Contains($"  {file}:7: column 'ts': expected a number, found \"soon\"", output);
    }

    [Fact]
    public void ASchemaWithoutAnItemIdFeatureIsOneLine()
    {
        string config = WriteData();
        File.WriteAllText(InDir("schema.json"), Schema.Replace("""{ "name": "item", "column": "item", "kind": "id", "tower": "item" },""", ""));
        var (code, _, error) = Run("train", "--config", config, "--out", InDir("model"));
        Assert.Equal(1, code);
        Assert.StartsWith("tandem: ", error);
        Assert.Contains("training needs an id feature of the item column (item)", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tandem.sln"))) return Path.Combine(dir.FullName, "examples", "schema", name);
        throw new InvalidOperationException("Tandem.sln not found");
    }

    [Fact]
    public void TheExampleConfigNamesItsSchemaAndTheSharedMovieLensFiles()
    {
        var recipe = ModelRecipe.Read(Example("train.json"));
        Assert.Equal(Example("movielens.schema.json"), recipe.Data.Schema);
        Assert.True(File.Exists(recipe.Data.Files!.Value.Interactions!.Path), recipe.Data.Files.Value.Interactions!.Path);
        Assert.True(File.Exists(recipe.Data.Files.Value.Items!.Path), recipe.Data.Files.Value.Items!.Path);
        Assert.Equal(10, recipe.Training.Epochs);
    }

    [Fact]
    public void TrainsOnMovieLensThroughTheExampleSchema()
    {
        string data = SharedData.Root;
        string dir = Path.Combine(data, "ml-latest-small").Replace("\\", "/");
        // The example's schema with one epoch instead of ten.
        File.WriteAllText(InDir("train.json"), $$"""
            { "data": { "schema": "{{Example("movielens.schema.json").Replace("\\", "/")}}", "files": { "interactions": "{{dir}}/ratings.csv", "items": "{{dir}}/movies.csv" } }, "training": { "epochs": 1 } }
            """);
        var (code, output, error) = Run("train", "--config", InDir("train.json"), "--out", InDir("model"));
        Assert.True(code == 0, error);
        // Every one of the 610 users has at least 20 ratings, so floor(0.25 n) >= 5 are held out for each.
        Assert.Contains("Held-out interactions of 610 users", output);
        (code, _, error) = Run("index", "build", "--model", Path.Combine(InDir("model"), ModelCommands.ModelFile), "--spec", "HNSW16", "--out", InDir("movies.idx"));
        Assert.True(code == 0, error);
        using var index = VectorIndex.Load(InDir("movies.idx"));
        // The catalogue is every movie rated in the training 75%: most of the 9,724 rated movies.
        Assert.InRange(index.Count, 8_000, 9_724);
    }
}
