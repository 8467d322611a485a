using Tandem.Tests;
using Tandem.Data.Datasets;
using Tandem.Cli;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Serving.Tests;

/// <summary>A one-epoch MovieLens ml-latest-small model written by <c>tandem train</c>, trained once and shared by every test of the assembly.</summary>
public sealed class TrainedModel
{
    static readonly Lazy<TrainedModel> shared = new(() => new TrainedModel());

    /// <summary>The model (trained on first use; its directory is deleted when the test process exits).</summary>
    public static TrainedModel Shared => shared.Value;

    TrainedModel()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(Directory, recursive: true);
        DataDir = SharedData.Root;
        string config = System.IO.Path.Combine(Directory, "config.json");
        File.WriteAllText(config, """{ "user": { "features": ["user", "history"] }, "item": { "features": ["item", "genres"] }, "training": { "epochs": 1 } }""");
        var error = new StringWriter();
        int code = Cli.Cli.Run(["train", "--config", config, "--data-dir", DataDir, "--out", Directory], new StringWriter(), error);
        if (code != 0) throw new InvalidOperationException($"tandem train failed: {error}");
    }

    public string DataDir { get; }
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("tandem-serving-").FullName;
    public string Path => System.IO.Path.Combine(Directory, "model.tandem");

    /// <summary>A copy of the model file at a new path (same weights, so a new version only if the bytes differ).</summary>
    public string Copy(string directory, string name)
    {
        string path = System.IO.Path.Combine(directory, name);
        File.Copy(Path, path, overwrite: true);
        return path;
    }

    internal ServingLoader Loader(string? index = null) => new(DataDir, index);
}
