using Tandem.Tests;
using Tandem.Data.Datasets;
using Tandem.IO;
using static Tandem.Cli.Tests.CliRun;
using Tandem.Models;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;
using Tandem.Models.Persistence;
using Tandem.Models.Recipes;

namespace Tandem.Cli.Tests;

/// <summary>One short quickstart (1 epoch) on the real ml-latest-small, shared by the tests that read its output.</summary>
public sealed class QuickstartFixture : IDisposable
{
    public QuickstartFixture()
    {
        DataDir = SharedData.Root;
        var output = new StringWriter();
        var error = new StringWriter();
        Code = Cli.Run(["quickstart", "--data-dir", DataDir, "--out", Directory, "--epochs", "1"], output, error);
        Output = output.ToString();
        Error = error.ToString();
    }

    public string DataDir { get; }
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("tandem-quickstart-").FullName;
    public string ModelPath => Path.Combine(Directory, ModelCommands.ModelFile);
    public int Code { get; }
    public string Output { get; }
    public string Error { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public sealed class ModelCommandTests(QuickstartFixture quickstart) : IClassFixture<QuickstartFixture>, IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-model-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>The table row of <paramref name="metric"/> as its cells.</summary>
    static string[] Row(string output, string metric) =>
        output.Split('\n').First(l => l.StartsWith($"│ {metric} ", StringComparison.Ordinal))
            .Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The recommendation rows: "rank movieId title score".</summary>
    static string[] Recommendations(string output) =>
        output.Split('\n').SkipWhile(l => !l.Contains("Top ", StringComparison.Ordinal)).Where(l => l.StartsWith("│ ", StringComparison.Ordinal) && l.Length > 6 && char.IsDigit(l.TrimStart('│', ' ')[0]))
            .Select(l => string.Join(' ', l.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))).ToArray();

    [Fact]
    public void QuickstartComparesModelsWritesReportAndModelAndRecommends()
    {
        Assert.True(quickstart.Code == 0, quickstart.Error);
        Assert.Contains("75,703 training and 25,133 test ratings, 610 users", quickstart.Output);
        var recall = Row(quickstart.Output, "Recall@10");
        Assert.Equal(6, recall.Length); // metric, three models, two lifts
        double twoTower = double.Parse(recall[1]), idOnly = double.Parse(recall[2]), popular = double.Parse(recall[3]);
        Assert.InRange(twoTower, 0.01, 1);
        Assert.InRange(idOnly, 0.001, 1);
        Assert.InRange(popular, 0.01, 1);
        // EASE, λ chosen on the validation slice, beside the table: far above most-popular (docs/experiments.md, "Baselines").
        var ease = System.Text.RegularExpressions.Regex.Match(quickstart.Output, @"EASE \(λ \d+\), chosen on validation: Recall@10 (0\.\d{4}), NDCG@10 0\.\d{4}; the two-tower reaches");
        Assert.True(ease.Success, quickstart.Output);
        Assert.InRange(double.Parse(ease.Groups[1].Value), popular + 0.05, 1);
        // Lift = two-tower / ID-only, computed from unrounded figures: within 0.015 of the ratio of the
        // printed 4-decimal ones (0.005 display rounding + relative rounding of both operands).
        Assert.InRange(double.Parse(recall[4].TrimEnd('×')), twoTower / idOnly - 0.015, twoTower / idOnly + 0.015);
        foreach (string file in new[] { "report.md", "report.json", "loss.png", ModelCommands.ModelFile })
            Assert.True(File.Exists(Path.Combine(quickstart.Directory, file)), file);
        var top = Recommendations(quickstart.Output);
        Assert.Equal(10, top.Length);
        Assert.StartsWith("1 ", top[0]);
        Assert.Contains(top, r => r.Contains("(19", StringComparison.Ordinal) || r.Contains("(20", StringComparison.Ordinal)); // titles carry years
    }

    [Fact]
    public void RecommendFromTheSavedModelGivesTheQuickstartsList()
    {
        var (code, output, error) = Run("recommend", "--model", quickstart.ModelPath, "--user", "1", "-k", "10", "--data-dir", quickstart.DataDir);
        Assert.True(code == 0, error);
        Assert.Equal(Recommendations(quickstart.Output), Recommendations(output));
    }

    [Fact]
    public void EvaluateTheSavedModelGivesTheQuickstartsFigures()
    {
        var (code, output, error) = Run("evaluate", "--model", quickstart.ModelPath, "--data-dir", quickstart.DataDir);
        Assert.True(code == 0, error);
        foreach (string metric in new[] { "Recall@10", "NDCG@10", "MRR" })
        {
            var saved = Row(quickstart.Output, metric);
            var loaded = Row(output, metric);
            Assert.Equal(saved[1], loaded[1]); // the model
            Assert.Equal(saved[3], loaded[2]); // most-popular
        }
    }

    [Fact]
    public void ALoadedModelScoresBitForBitLikeTheSavedOne()
    {
        var recipe = MovieLensExperiment.Recipe(new MovieLensOptions { Training = new TrainerOptions { Epochs = 1, Threads = 1 } });
        using var data = ModelData.Load(recipe, quickstart.DataDir);
        var (model, _) = data.Train(recipe);
        string path = Path.Combine(directory, "model.tandem");
        model.Save(path);

        // The file alone rebuilds the model: no data, no builder.
        var loaded = TwoTowerModel.Load(path);
        Assert.Equal(recipe.ToJson(), loaded.Recipe!.ToJson());
        using var loadedData = ModelData.Load(loaded.Recipe!, quickstart.DataDir, loaded.Features);
        int[] users = [0, 1, 2, 100, 609];
        using var u = TwoTowerModel.Embed(model.User, [data.Users.Input(users)]);
        using var u2 = TwoTowerModel.Embed(loaded.User, [loadedData.Users.Input(users)]);
        using var v = model.EmbedItems(data.Items, data.Holdout.CatalogueItems);
        using var v2 = loaded.EmbedItems(loadedData.Items, loadedData.Holdout.CatalogueItems);
        Assert.Equal(Bits(u.Span), Bits(u2.Span));
        Assert.Equal(Bits(v.Span), Bits(v2.Span));

        static int[] Bits(Span<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
    }

    [Fact]
    public void TrainFromAConfigWritesAModelAndACheckpointPerEpoch()
    {
        string config = Path.Combine(directory, "ids.json");
        File.WriteAllText(config, """
            // ID-only, two short epochs
            { "user": { "features": ["user"], "hidden": [] }, "item": { "features": ["item"], "hidden": [] }, "training": { "epochs": 2 }, }
            """);
        var (code, output, error) = Run("train", "--config", config, "--data-dir", quickstart.DataDir, "--out", directory);
        Assert.True(code == 0, error);
        Assert.Contains("epoch 2/2", output);
        Assert.InRange(double.Parse(Row(output, "Recall@10")[1]), 0.001, 1);
        using var checkpoint = TandemFileReader.Open(Path.Combine(directory, ModelCommands.CheckpointFile), TandemFileKind.Checkpoint);
        Assert.Equal(2, checkpoint.ReadJson<TrainerState>("trainer").Epoch);
        var (recommendCode, recommended, _) = Run("recommend", "--model", Path.Combine(directory, ModelCommands.ModelFile), "--user", "7", "-k", "3", "--data-dir", quickstart.DataDir);
        Assert.Equal(0, recommendCode);
        Assert.Equal(3, Recommendations(recommended).Length);
    }

    [Fact]
    public void ResumingFromACheckpointWithValidationContinuesBitForBitAndReportsTheBestEpoch()
    {
        string Config(int epochs)
        {
            string path = Path.Combine(directory, $"ids-{epochs}.json");
            // Validation on (the default): the checkpoint carries the best epoch, its snapshot and the patience count.
            File.WriteAllText(path, $$"""{ "user": { "features": ["user"], "hidden": [] }, "item": { "features": ["item"], "hidden": [] }, "training": { "epochs": {{epochs}}, "threads": 1 } }""");
            return path;
        }
        string straight = Path.Combine(directory, "straight"), resumed = Path.Combine(directory, "resumed");
        var (straightCode, straightOutput, straightError) = Run("train", "--config", Config(3), "--data-dir", quickstart.DataDir, "--out", straight);
        Assert.True(straightCode == 0, straightError);
        Assert.Equal(0, Run("train", "--config", Config(2), "--data-dir", quickstart.DataDir, "--out", resumed).Code);
        var (code, output, error) = Run("train", "--config", Config(3), "--data-dir", quickstart.DataDir, "--out", resumed, "--resume");
        Assert.True(code == 0, error);
        Assert.Contains("Resuming from", output);
        Assert.Contains("epoch 3/3", output);
        Assert.DoesNotContain("epoch 1/3", output);
        string kept = straightOutput.Split('\n').Single(l => l.StartsWith("Kept epoch ", StringComparison.Ordinal)).TrimEnd('\r');
        Assert.Matches(@"^Kept epoch [123] of 3 \(validation Recall@10 0\.\d{4}\)", kept);
        Assert.Contains(kept, output); // the same best epoch and metric, found across the restored epochs

        using var a = TandemFileReader.Open(Path.Combine(straight, ModelCommands.ModelFile), TandemFileKind.Model);
        using var b = TandemFileReader.Open(Path.Combine(resumed, ModelCommands.ModelFile), TandemFileKind.Model);
        var tensors = a.Sections.Where(s => s.Kind == SectionKind.Tensor).Select(s => s.Name).ToList();
        Assert.NotEmpty(tensors);
        Assert.Equal(tensors, b.Sections.Where(s => s.Kind == SectionKind.Tensor).Select(s => s.Name));
        foreach (string name in tensors)
        {
            using var x = a.ReadTensor(name);
            using var y = b.ReadTensor(name);
            Assert.True(x.Span.SequenceEqual(y.Span), name);
        }
    }

    [Fact]
    public void ResumeWithoutACheckpointIsOneLine()
    {
        string config = Path.Combine(directory, "ids.json");
        File.WriteAllText(config, """{ "user": { "features": ["user"], "hidden": [] }, "item": { "features": ["item"], "hidden": [] } }""");
        var (code, _, error) = Run("train", "--config", config, "--out", directory, "--resume");
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {Path.Combine(directory, ModelCommands.CheckpointFile)}: no checkpoint to resume from; train without --resume first\n", error.Replace("\r", ""));
    }

    [Fact]
    public void CalibrateFitsOnTheValidationSliceNotTheTestSplit()
    {
        string model = Path.Combine(directory, "calibrated.tandem");
        File.Copy(quickstart.ModelPath, model);
        var (code, output, error) = Run("calibrate", "--model", model, "--data-dir", quickstart.DataDir);
        Assert.True(code == 0, error);
        Assert.Contains("Fitted on the validation slice carved from training (4 random unseen items per held-out interaction), reported on the test split.", output);
        // The validation slice is 10% of each user's training ratings (about 7,600 of 75,703), the test split
        // 25,133 ratings: fitted on the test split, the calibration would hold about 5 × 25,133 pairs.
        var platt = TwoTowerModelFile.ReadCalibration(model)!;
        Assert.InRange(platt.Examples, 5 * 5_000, 5 * 10_000);
        Assert.Equal(platt.Examples / 5, platt.Positives);
    }

    [Fact]
    public void RecommendRetrievesThenRanksWithCalibratedProbabilities()
    {
        string config = Path.Combine(directory, "din.json");
        File.WriteAllText(config, """
            { "data": { "dataset": "ml-latest-small", "clicks": "ratings" },
              "ranker": { "model": "din", "features": ["user", "item", "genres", "time"], "embeddingDimension": 8, "hidden": [32] },
              "training": { "epochs": 1, "batchSize": 1024, "threads": 1 } }
            """);
        Assert.Equal(0, Run("train", "--config", config, "--data-dir", quickstart.DataDir, "--out", Path.Combine(directory, "din")).Code);
        string ranker = Path.Combine(directory, "din", "model.tandem");
        var (code, output, error) = Run("recommend", "--model", quickstart.ModelPath, "--ranker", ranker, "--user", "1", "-k", "5", "--candidates", "50", "--data-dir", quickstart.DataDir);
        Assert.True(code == 0, error);
        Assert.Contains("Top 5 of 50 retrieved items for user 1, re-ranked by model.tandem (Din)", output);
        var probabilities = output.Split('\n').Where(l => l.StartsWith("│ ", StringComparison.Ordinal) && char.IsDigit(l.TrimStart('│', ' ')[0]))
            .Select(l => double.Parse(l.Split('│', StringSplitOptions.TrimEntries)[4], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(5, probabilities.Length);
        Assert.Equal(probabilities.OrderDescending(), probabilities);
        Assert.All(probabilities, p => Assert.InRange(p, 0, 1));

        (code, _, error) = Run("recommend", "--model", quickstart.ModelPath, "--ranker", quickstart.ModelPath, "--user", "1", "--data-dir", quickstart.DataDir);
        Assert.Equal(1, code);
        Assert.Contains("the file holds a two-tower model, not a ranker", error);
    }

    [Fact]
    public void TheExampleConfigsAreValid()
    {
        foreach (string file in Directory.GetFiles(RepositoryFolder("examples"), "*.json"))
            Assert.InRange(ModelRecipe.Read(file).Training.Epochs, 1, 100);
    }

    [Fact]
    public void TheHistoryExampleIsTheQuickstartsModel() =>
        // docs/experiments.md measures the quickstart through this file, one training seed at a time.
        Assert.Equal(MovieLensExperiment.Recipe(new MovieLensOptions()).ToJson(),
            ModelRecipe.Read(Path.Combine(RepositoryFolder("examples"), "movielens-history.json")).ToJson());

    static string RepositoryFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tandem.sln"))) return Path.Combine(dir.FullName, name);
        throw new InvalidOperationException("Tandem.sln not found");
    }

    [Fact]
    public void UnknownUserIsOneLine()
    {
        var (code, output, error) = Run("recommend", "--model", quickstart.ModelPath, "--user", "99999", "--data-dir", quickstart.DataDir);
        Assert.Equal(1, code);
        Assert.Equal("tandem: user '99999' is not in model.tandem's training data; use a user id of the data it was trained on\n", error.Replace("\r", ""));
        Assert.DoesNotContain("Top", output);
    }

    [Fact]
    public void MissingModelFileIsOneLine()
    {
        string path = Path.Combine(directory, "absent.tandem");
        var (code, _, error) = Run("evaluate", "--model", path, "--data-dir", quickstart.DataDir);
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {path}: file not found; check the path\n", error.Replace("\r", ""));
    }

    [Fact]
    public void CorruptModelFileIsOneLine()
    {
        string path = Path.Combine(directory, "corrupt.tandem");
        var bytes = File.ReadAllBytes(quickstart.ModelPath);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var (code, _, error) = Run("recommend", "--model", path, "--user", "1", "--data-dir", quickstart.DataDir);
        Assert.Equal(1, code);
        Assert.StartsWith($"tandem: {path}: ", error);
        Assert.Contains("corrupt", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("{ \"training\": { \"epochs\": 0 } }", "field 'training.epochs' is 0; it must be at least 1")]
    [InlineData("{ \"training\": { \"learningRate\": -1 } }", "field 'training.learningRate' is -1; it must be positive")]
    [InlineData("{ \"task\": { \"temperature\": 0 } }", "field 'task.temperature' is 0; it must be positive")]
    [InlineData("{ \"user\": { \"hidden\": [64, 0] } }", "field 'user.hidden[1]' is 0; it must be at least 1")]
    [InlineData("{ \"item\": { \"outputDimension\": 32 } }", "field 'item.outputDimension' is 32; it must equal user.outputDimension (64): scores are inner products")]
    [InlineData("{ \"data\": { \"dataset\": \"ml-5k\" } }", "field 'data.dataset' is \"ml-5k\"; it must be one of ml-100k, ml-1m, ml-latest-small, ml-latest, ml-20m, ml-25m, criteo, criteo-kaggle, criteo-10k, or set \"data.schema\" for other data")]
    [InlineData("{\n  \"training\": { \"epochs\": \"ten\" }\n}", "line 2: The JSON value could not be converted to System.Int32. (field 'training.epochs')")]
    [InlineData("{\n  \"task\": { \"loss\": \"hinj\" }\n}", "line 2: The JSON value could not be converted to Tandem.Models.Recipes.LossKind. (field 'task.loss')")]
    [InlineData("{\n  \"epoch\": 3\n}", "line 2: The JSON property 'epoch' could not be mapped to any .NET member contained in type 'Tandem.Models.Recipes.ModelRecipe'. (field 'epoch')")]
    public void BadConfigNamesTheField(string json, string message)
    {
        string path = Path.Combine(directory, "bad.json");
        File.WriteAllText(path, json);
        var (code, _, error) = Run("train", "--config", path, "--data-dir", quickstart.DataDir, "--out", directory);
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {path}: {message}\n", error.Replace("\r", ""));
    }

    [Fact]
    public void MissingConfigAndDataDirAreOneLine()
    {
        string config = Path.Combine(directory, "absent.json");
        var (code, _, error) = Run("train", "--config", config);
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {config}: config file not found; check the path\n", error.Replace("\r", ""));

        string data = Path.Combine(directory, "no-data");
        (code, _, error) = Run("quickstart", "--data-dir", data, "--out", directory, "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {data}: data directory not found; pass the folder holding ml-latest-small/\n", error.Replace("\r", ""));
    }

    [Fact]
    public void ExportWritesBothTowersAsOnnxAndTheSidecar()
    {
        string folder = Path.Combine(directory, "onnx");
        var (code, output, error) = Run("export", "--model", quickstart.ModelPath, "--onnx", folder);
        Assert.True(code == 0, error);
        Assert.Contains("Wrote user.onnx", output);
        var user = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "user.onnx")));
        Assert.Equal(18, user.OpsetImport.Single().Version);
        Assert.Equal(["history", "history.lengths"], user.Graph.Input.Select(i => i.Name)); // the quickstart user is their history
        Assert.Equal("embedding", user.Graph.Output.Single().Name);
        var item = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "item.onnx")));
        Assert.Equal(["item", "genres", "genres.lengths"], item.Graph.Input.Select(i => i.Name));
        using var sidecar = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tandem-onnx.json")));
        var genres = sidecar.RootElement.GetProperty("features").GetProperty("genres").GetProperty("vocabulary");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, genres[0].ValueKind); // id 0: out of vocabulary
        Assert.Contains(genres.EnumerateArray().Skip(1), g => g.GetString() == "Drama");
        Assert.Equal("user.onnx", sidecar.RootElement.GetProperty("towers").GetProperty("user").GetProperty("file").GetString());
    }

    [Fact]
    public void ExportOfAMissingModelIsOneLine()
    {
        string missing = Path.Combine(directory, "none.tandem");
        var (code, _, error) = Run("export", "--model", missing, "--onnx", Path.Combine(directory, "out"));
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(missing, error);
        Assert.False(Directory.Exists(Path.Combine(directory, "out")));
    }

    [Fact]
    public void RecommendBoundsK()
    {
        var (code, output, error) = Run("recommend", "--model", quickstart.ModelPath, "--user", "1", "-k", "1000000000", "--data-dir", quickstart.DataDir);
        Assert.Equal(1, code);
        Assert.Equal("tandem: -k is 1000000000; it must be between 1 and 1000 (the service's limit too)\n", error.Replace("\r", ""));
        Assert.DoesNotContain("Top", output);
    }

    [Fact]
    public void DamagedDatasetFolderIsOneLineNamingTheFile()
    {
        // The quickstart's folder with movies.csv missing: the error names it; no download is tried.
        string data = Path.Combine(directory, "data");
        string dir = Path.Combine(data, "ml-latest-small");
        Directory.CreateDirectory(dir);
        foreach (string file in new[] { "ratings.csv", "tags.csv", "links.csv" })
            File.Copy(Path.Combine(quickstart.DataDir, "ml-latest-small", file), Path.Combine(dir, file));
        var (code, _, error) = Run("quickstart", "--data-dir", data, "--out", Path.Combine(directory, "out"), "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {Path.Combine(dir, "movies.csv")}: file not found; ml-latest-small needs ratings.csv, movies.csv, tags.csv, links.csv in {dir}\n", error.Replace("\r", ""));
        Assert.False(Directory.Exists(Path.Combine(directory, "out"))); // nothing written for a run that could not start
    }

    [Fact]
    public void TrainRemovesTemporaryFilesACrashedRunLeft()
    {
        // What a train killed while saving leaves: a full-size temporary beside the model, its process gone.
        string outDir = Path.Combine(directory, "crashed");
        Directory.CreateDirectory(outDir);
        string leftover = Path.Combine(outDir, $".model.tandem.999999999.{Guid.NewGuid():N}.tmp");
        File.Copy(quickstart.ModelPath, leftover);
        string config = Path.Combine(directory, "ids.json");
        File.WriteAllText(config, "{ \"user\": { \"features\": [\"user\"], \"hidden\": [] }, \"item\": { \"features\": [\"item\"], \"hidden\": [] }, \"training\": { \"epochs\": 1 } }");
        var (code, _, error) = Run("train", "--config", config, "--data-dir", quickstart.DataDir, "--out", outDir);
        Assert.True(code == 0, error);
        Assert.Equal([ModelCommands.CheckpointFile, ModelCommands.ModelFile], Directory.GetFiles(outDir).Select(Path.GetFileName).Order());
    }
}
