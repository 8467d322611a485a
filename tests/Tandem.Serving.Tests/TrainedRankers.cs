using Tandem.Cli;
using Tandem.Tests;

namespace Tandem.Serving.Tests;

/// <summary>
/// Two one-epoch rankers on ml-latest-small clicks (ratings above 3), written by <c>tandem train</c>:
/// a DeepFM calibrated by Platt scaling and a logistic regression calibrated isotonically, both over
/// user, item and genres. Trained once, shared by every test of the assembly.
/// </summary>
public sealed class TrainedRankers
{
    static readonly Lazy<TrainedRankers> shared = new(() => new TrainedRankers());

    /// <summary>The rankers (trained on first use; their directory is deleted when the test process exits).</summary>
    public static TrainedRankers Shared => shared.Value;

    TrainedRankers()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(Directory, recursive: true);
        DeepFm = MovieLens("deepFm", "platt");
        Logistic = MovieLens("logistic", "isotonic");
    }

    string MovieLens(string model, string calibration) => Train(model, $$"""
        { "data": { "dataset": "ml-latest-small", "clicks": "ratings" },
          "split": { "by": "user", "testFraction": 0.2, "validationFraction": 0.1 },
          "ranker": { "model": "{{model}}", "features": ["user", "item", "genres"], "embeddingDimension": 8, "hidden": [32], "calibration": "{{calibration}}" },
          "training": { "epochs": 1, "batchSize": 1024, "threads": 1 } }
        """);

    string Train(string name, string json)
    {
        string config = Path.Combine(Directory, $"{name}.json");
        File.WriteAllText(config, json);
        string outDir = Path.Combine(Directory, name);
        var error = new StringWriter();
        int code = Cli.Cli.Run(["train", "--config", config, "--data-dir", SharedData.Root, "--out", outDir], new StringWriter(), error);
        if (code != 0) throw new InvalidOperationException($"tandem train ({name}) failed: {error}");
        return Path.Combine(outDir, "model.tandem");
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("tandem-rankers-").FullName;
    public string DeepFm { get; }
    public string Logistic { get; }

    /// <summary>A logistic regression on criteo-10k: a ranker of other data than the two-tower model's (no user or item column).</summary>
    public string Criteo => criteo.Value;

    readonly Lazy<string> criteo = new(() => Shared.Train("criteo", """
        { "data": { "dataset": "criteo-10k", "minCount": 5 },
          "split": { "by": "impression", "testFraction": 0.2, "validationFraction": 0.1 },
          "ranker": { "model": "logistic", "embeddingDimension": 4 },
          "training": { "epochs": 1, "batchSize": 1024, "threads": 1 } }
        """));

    /// <summary>A loader of the shared two-tower model's bundles with the ranker at <paramref name="ranker"/>.</summary>
    internal static ServingLoader Loader(string ranker) => TrainedModel.Shared.Loader() with { RankerPath = ranker };
}
