using Tandem.Tests;
using Tandem.Data.Datasets;
using static Tandem.Cli.Tests.CliRun;

namespace Tandem.Cli.Tests;

public class RankerCommandTests
{
    static readonly string DataDir = SharedData.Root;

    static string Config(string model, int epochs = 2)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tandem-ranker-cli", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"{model}.json");
        File.WriteAllText(path, $$"""
            {
              "data": { "dataset": "criteo-10k", "minCount": 5 },
              "split": { "by": "impression", "testFraction": 0.2, "validationFraction": 0.1 },
              "ranker": { "model": "{{model}}", "embeddingDimension": 8, "hidden": [32], "calibration": "platt" },
              "training": { "epochs": {{epochs}}, "batchSize": 256, "threads": 1 },
            }
            """);
        return path;
    }

    [Fact]
    public void TrainThenEvaluateARankerWithRelaImprOverLogisticRegression()
    {
        string deepFm = Config("deepFm"), lr = Config("logistic", epochs: 3);
        string outDeepFm = Path.Combine(Path.GetDirectoryName(deepFm)!, "deepfm"), outLr = Path.Combine(Path.GetDirectoryName(lr)!, "lr");
        var (code, output, error) = Run("train", "--config", deepFm, "--data-dir", DataDir, "--out", outDeepFm);
        Assert.True(code == 0, error);
        Assert.Contains("epoch 1: loss", output);
        Assert.Contains("DeepFm on 2,000 test impressions (trained on 7,199, calibrated on 800)", output);
        Assert.Equal(0, Run("train", "--config", lr, "--data-dir", DataDir, "--out", outLr).Code);

        (code, output, error) = Run("evaluate", "--model", Path.Combine(outDeepFm, "model.tandem"), "--data-dir", DataDir, "--baseline", Path.Combine(outLr, "model.tandem"));
        Assert.True(code == 0, error);
        Assert.Contains("model.tandem (DeepFm): 2,000 test impressions", output);
        foreach (string column in new[] { "AUC", "gAUC", "log loss", "ECE", "RelaImpr over the baseline" }) Assert.Contains(column, output);
    }

    [Fact]
    public void ALabelThatIsNot01IsOneLineNamingFileLineAndColumn()
    {
        string source = Path.Combine(DataDir, "criteo-10k", "criteo_sampled_data_10k.csv");
        var lines = File.ReadLines(source).Take(50).ToArray();
        lines[7] = "yes" + lines[7][1..];
        string dir = Path.Combine(Path.GetTempPath(), "tandem-ranker-cli", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "criteo-10k"));
        File.WriteAllLines(Path.Combine(dir, "criteo-10k", "criteo_sampled_data_10k.csv"), lines);
        var (code, _, error) = Run("train", "--config", Config("logistic"), "--data-dir", dir, "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {Path.Combine(dir, "criteo-10k", "criteo_sampled_data_10k.csv")}:8: column 'label': expected a click label, 0 or 1, found \"yes\"\n", error.Replace("\r", ""));
    }

    [Fact]
    public void NegativesTurnAnImplicitLogIntoClicksAndSampledNonClicks()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tandem-ranker-cli", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string config = Path.Combine(dir, "implicit.json");
        File.WriteAllText(config, """
            { "data": { "dataset": "ml-latest-small" },
              "split": { "by": "user", "testFraction": 0.2, "validationFraction": 0.1 },
              "ranker": { "model": "logistic", "features": ["user", "item"], "calibration": "platt" },
              "training": { "epochs": 1, "batchSize": 4096, "threads": 1 } }
            """);
        var (code, output, error) = Run("train", "--config", config, "--data-dir", DataDir, "--out", Path.Combine(dir, "out"), "--negatives", "1");
        Assert.True(code == 0, error);
        // 100,836 ratings, each a click with one sampled non-click: a test split of about 2 × 20% (39,880 with split seed 42).
        Assert.Matches(@"Logistic on (39|40),\d{3} test impressions", output);
        (code, _, error) = Run("train", "--config", config, "--data-dir", DataDir, "--out", Path.Combine(dir, "out"), "--negatives", "0");
        Assert.Equal(1, code);
        Assert.Equal("tandem: --negatives is 0; it must be at least 1 non-click per click\n", error.Replace("\r", ""));
    }

    [Fact]
    public void AMissingLabelColumnIsOneLineNamingFileAndColumn()
    {
        string source = Path.Combine(DataDir, "criteo-10k", "criteo_sampled_data_10k.csv");
        var lines = File.ReadLines(source).Take(50).ToArray();
        lines[0] = lines[0].Replace("label,", "clicked,");
        string dir = Path.Combine(Path.GetTempPath(), "tandem-ranker-cli", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "criteo-10k"));
        File.WriteAllLines(Path.Combine(dir, "criteo-10k", "criteo_sampled_data_10k.csv"), lines);
        var (code, _, error) = Run("train", "--config", Config("logistic"), "--data-dir", dir, "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, code);
        Assert.StartsWith($"tandem: {Path.Combine(dir, "criteo-10k", "criteo_sampled_data_10k.csv")}: missing column 'label'; columns found: clicked, I1,", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void AnUnknownCtrDatasetIsOneLine()
    {
        var (code, _, error) = Run("experiment", "ctr", "--dataset", "avazu");
        Assert.Equal(1, code);
        Assert.Equal("tandem: --dataset is 'avazu'; use criteo-10k or movielens\n", error.Replace("\r", ""));
    }
}
