using Tandem.IO;
using static Tandem.Cli.Tests.CliRun;
using Tandem.Models;
using Tandem.Models.Experiments;
using Tandem.Models.Persistence;
using Tandem.Models.Training;

namespace Tandem.Cli.Tests;

/// <summary>One short quickstart (1 epoch) on the real ml-latest-small, shared by the tests that read its output.</summary>
public sealed class QuickstartFixture : IDisposable
{
    public QuickstartFixture()
    {
        DataDir = MovieLensExperiment.DataDirectory(null) ?? throw new InvalidOperationException("ml-latest-small not found beside the repository");
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
        var config = new ModelConfig { Epochs = 1, Threads = 1 };
        using var session = MovieLensSession.Load(quickstart.DataDir, config.SplitSeed);
        var options = config.Options(quickstart.DataDir);
        var model = MovieLensExperiment.Build(session.Fitted, session.Items, options, idsOnly: false);
        new Trainer(options.Training).Fit(model, session.Data, session.Split.Train);
        string path = Path.Combine(directory, "model.tandem");
        TwoTowerModelFile.Save(path, model, config);

        var (loadedSession, loaded, loadedConfig) = MovieLensSession.LoadModel(path, quickstart.DataDir);
        using (loadedSession)
        {
            Assert.Equal(config, loadedConfig);
            int[] users = [0, 1, 2, 100, 609];
            using var u = TwoTowerModel.Embed(model.User, [session.Users.Input(users)]);
            using var u2 = TwoTowerModel.Embed(loaded.User, [loadedSession.Users.Input(users)]);
            using var v = model.EmbedItems(session.Items, session.Holdout.CatalogueItems);
            using var v2 = loaded.EmbedItems(loadedSession.Items, loadedSession.Holdout.CatalogueItems);
            Assert.Equal(Bits(u.Span), Bits(u2.Span));
            Assert.Equal(Bits(v.Span), Bits(v2.Span));
        }

        static int[] Bits(Span<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
    }

    [Fact]
    public void TrainFromAConfigWritesAModelAndACheckpointPerEpoch()
    {
        string config = Path.Combine(directory, "ids.json");
        File.WriteAllText(config, """
            // ID-only, two short epochs
            { "idsOnly": true, "epochs": 2, }
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
    public void ResumingFromACheckpointContinuesBitForBit()
    {
        string Config(int epochs)
        {
            string path = Path.Combine(directory, $"ids-{epochs}.json");
            // No validation slice: early stopping restores its best epoch, which a resumed run cannot know.
            File.WriteAllText(path, $$"""{ "idsOnly": true, "epochs": {{epochs}}, "threads": 1, "validationFraction": 0 }""");
            return path;
        }
        string straight = Path.Combine(directory, "straight"), resumed = Path.Combine(directory, "resumed");
        Assert.Equal(0, Run("train", "--config", Config(3), "--data-dir", quickstart.DataDir, "--out", straight).Code);
        Assert.Equal(0, Run("train", "--config", Config(2), "--data-dir", quickstart.DataDir, "--out", resumed).Code);
        var (code, output, error) = Run("train", "--config", Config(3), "--data-dir", quickstart.DataDir, "--out", resumed, "--resume");
        Assert.True(code == 0, error);
        Assert.Contains("Resuming after epoch 2", output);
        Assert.Contains("epoch 3/3", output);
        Assert.DoesNotContain("epoch 1/3", output);

        using var a = TandemFileReader.Open(Path.Combine(straight, ModelCommands.ModelFile), TandemFileKind.Model);
        using var b = TandemFileReader.Open(Path.Combine(resumed, ModelCommands.ModelFile), TandemFileKind.Model);
        var parameters = a.Sections.Where(s => s.Name.StartsWith("param/", StringComparison.Ordinal)).Select(s => s.Name).ToList();
        Assert.NotEmpty(parameters);
        foreach (string name in parameters)
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
        File.WriteAllText(config, """{ "idsOnly": true }""");
        var (code, _, error) = Run("train", "--config", config, "--out", directory, "--resume");
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {Path.Combine(directory, ModelCommands.CheckpointFile)}: no checkpoint to resume from; train without --resume first\n", error.Replace("\r", ""));
    }

    [Fact]
    public void TheExampleConfigsAreValid()
    {
        foreach (string file in Directory.GetFiles(RepositoryFolder("examples"), "movielens-*.json"))
            Assert.Equal(new ModelConfig().Epochs, ModelConfig.Read(file).Epochs);
    }

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
        Assert.Equal("tandem: user '99999' is not in the training data of ml-latest-small; use a userId from ratings.csv (1 to 610)\n", error.Replace("\r", ""));
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
    [InlineData("{ \"epochs\": 0 }", "field 'epochs' is 0; it must be at least 1")]
    [InlineData("{ \"learningRate\": -1 }", "field 'learningRate' is -1; it must be positive")]
    [InlineData("{ \"dataset\": \"ml-25m\" }", "field 'dataset' is ml-25m; it only \"ml-latest-small\" is supported")]
    [InlineData("{\n  \"epochs\": \"ten\"\n}", "line 2: The JSON value could not be converted to System.Int32. (field 'epochs')")]
    [InlineData("{\n  \"epoch\": 3\n}", "line 2: The JSON property 'epoch' could not be mapped to any .NET member contained in type 'Tandem.Cli.ModelConfig'. (field 'epoch')")]
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
        Assert.Equal($"tandem: {data}: data directory not found; pass --data-dir with the folder holding ml-latest-small/\n", error.Replace("\r", ""));
    }
}
