using Tandem.Tests;
using Tandem.Data.Datasets;
using Tandem.Models.Recipes;
using static Tandem.Cli.Tests.CliRun;

namespace Tandem.Cli.Tests;

public sealed class TuneCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-tune-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string Config(string json)
    {
        string path = Path.Combine(directory, "model.json");
        File.WriteAllText(path, json);
        return path;
    }

    // Matrix factorisation for one epoch: the cheapest real model of ml-latest-small.
    const string Small = """
        {
          "user": { "features": ["user"], "hidden": [], "embeddingDimension": 16, "outputDimension": 16 },
          "item": { "features": ["item"], "hidden": [], "embeddingDimension": 16, "outputDimension": 16 },
          "training": { "epochs": 1 },
          "tuning": { "space": { "task.temperature": "0.05..0.3 log" } }
        }
        """;

    [Fact]
    public void TuneWritesTheBestConfigForTrain()
    {
        string best = Path.Combine(directory, "best.json");
        string dataDir = SharedData.Root;
        var (code, output, error) = Run("tune", "--config", Config(Small), "--trials", "2", "--seed", "4", "--budget", "10m",
            "--space", "training.learningRate=0.001|0.003", "--out", best, "--data-dir", dataDir);
        Assert.True(code == 0, error + output);
        Assert.Contains("Trials, by validation Recall@10 (the test rows unread)", output);
        Assert.Contains("│ trial │ rung │ temperature │ learningRate │ epochs │ Recall@10 │ NDCG@10 │", output);
        var rows = output.Split('\n').Where(l => l.StartsWith("│ ", StringComparison.Ordinal) && l[2..].TrimStart()[0] is '★' or (>= '0' and <= '9')).ToArray();
        Assert.Equal(2, rows.Length);
        var chosen = rows.Single(r => r.Contains('★')).Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var recipe = ModelRecipe.Read(best);
        Assert.Equal(float.Parse(chosen[2]), recipe.Task.Temperature);
        Assert.Equal(float.Parse(chosen[3]), recipe.Training.LearningRate);
        Assert.Equal((1, 5), (recipe.Training.Epochs, recipe.Training.Patience));
        Assert.Contains($"Wrote {best}", output);
    }

    [Theory]
    [InlineData("--budget|20x", "tandem: --budget is '20x'; write a duration such as 90s, 20m or 1h30m")]
    [InlineData("--budget|0s", "tandem: --budget is '0s'; it must be longer than 0")]
    [InlineData("--trials|0", "tandem: --trials is 0; it must be at least 1")]
    [InlineData("--space|task.temprature=0.1..0.2", "tandem: search space: key 'task.temprature' is not a config key; name one of docs/config.md, e.g. task.temperature or user.dropout,item.dropout")]
    [InlineData("--space|split.seed=1|2", "tandem: search space: key 'split.seed' cannot be searched: the data, split and K define what trials are judged on")]
    [InlineData("--space|task.temperature", "tandem: --space 'task.temperature': write key=values, e.g. \"task.temperature=0.02..0.5 log\" or \"user.hidden,item.hidden=[64]|[128]\"")]
    [InlineData("--space|task.temperature=0.5..0.1 log", "tandem: --space 'task.temperature=0.5..0.1 log' is '0.5..0.1 log'; the range's minimum must be below its maximum")]
    public void BadInputIsOneLine(string args, string expected)
    {
        var (code, output, error) = Run(["tune", "--config", Config(Small), .. args.Split('|', 2)]);
        Assert.Equal(1, code);
        Assert.Equal(expected, error.TrimEnd());
        Assert.Equal("", output);
    }

    [Fact]
    public void AnUnknownKeyOfTheConfigsSpaceNamesTheFile()
    {
        string config = Config("""{ "tuning": { "space": { "user.dropuot": "0..0.5" } } }""");
        var (code, _, error) = Run("tune", "--config", config);
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {config}: field 'tuning.space': key 'user.dropuot' is not a config key; name one of docs/config.md, e.g. task.temperature or user.dropout,item.dropout", error.TrimEnd());
    }
}
