using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Data.Schema;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Cli;

/// <summary>
/// What <c>tandem train</c> reads (JSON, <c>//</c> comments and trailing commas allowed, field names
/// camelCase, unknown fields rejected) and what a model file stores to rebuild its architecture.
/// The features are the MovieLens quickstart schema's (<see cref="MovieLensExperiment.Schema"/>), or,
/// with <see cref="Schema"/>, those of a schema file (<see cref="SchemaJson"/>) over any data files;
/// <see cref="IdsOnly"/> picks the ID-only towers instead of all the features.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The named dataset when there is no <see cref="Schema"/>; only <c>ml-latest-small</c> so far.</summary>
    public string Dataset { get; init; } = "ml-latest-small";
    /// <summary>A schema file (see <see cref="SchemaJson"/>); relative paths are resolved against the config's folder and stored absolute. Null: the MovieLens quickstart.</summary>
    public string? Schema { get; init; }
    /// <summary>Data files (CSV/TSV/JSONL/Parquet) for <see cref="Schema"/>; relative to the config's folder. Null: the schema file's own <c>"data"</c>.</summary>
    public DataFiles? Data { get; init; }
    /// <summary>Skip malformed rows, counting them, instead of stopping at the first (the CLI's <c>--skip-bad-rows</c>). Default false.</summary>
    public bool SkipBadRows { get; init; }
    /// <summary>True: user id and item id only (matrix factorisation); false: user id + history, item id + genres.</summary>
    public bool IdsOnly { get; init; }
    /// <summary>Train the full model on leave-one-out histories (the user's training history minus the example) rather than causal ones. Default true.</summary>
    public bool LeaveOneOut { get; init; } = true;
    /// <summary>Embedding and output width. Default 64.</summary>
    public int Dimension { get; init; } = 64;
    /// <summary>Softmax temperature. Default 0.05.</summary>
    public float Temperature { get; init; } = 0.05f;
    /// <summary>Seed of the 75/25 split. Default 42.</summary>
    public ulong SplitSeed { get; init; } = 42;
    /// <summary>Seed of initialisation and batch order. Default 42.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Most training epochs (early stopping may end sooner). Default 20.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Fraction of each user's training ratings held out for early stopping (never the test set); 0: train on all for exactly <see cref="Epochs"/>. Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Stop when validation Recall@K has not improved for this many epochs, keeping the best epoch; 0: never. Default 3.</summary>
    public int Patience { get; init; } = 3;
    /// <summary>Batch size. Default 1024.</summary>
    public int BatchSize { get; init; } = 1024;
    /// <summary>Adam learning rate. Default 0.001.</summary>
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>Training threads; 0: all cores. Default 0.</summary>
    public int Threads { get; init; }
    /// <summary>Ranking cut-off K of evaluation. Default 10.</summary>
    public int K { get; init; } = 10;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>The experiment options these settings mean.</summary>
    public MovieLensOptions Options(string? dataDir) => new()
    {
        DataDir = dataDir,
        SplitSeed = SplitSeed,
        Seed = Seed,
        Dimension = Dimension,
        Temperature = Temperature,
        LeaveOneOut = LeaveOneOut,
        K = K,
        ValidationFraction = ValidationFraction,
        Training = new TrainerOptions { Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Threads = Threads, Seed = Seed, Patience = Patience },
    };

    /// <summary>Reads and validates a config file; every error is one line naming the file and the field.</summary>
    public static ModelConfig Read(string path)
    {
        if (!File.Exists(path)) CliThrow.Input($"{path}: config file not found; check the path");
        ModelConfig? config = null;
        try { config = JsonSerializer.Deserialize<ModelConfig>(File.ReadAllText(path), Json); }
        catch (JsonException e)
        {
            string reason = e.Message.Split(" Path:")[0].Split(". LineNumber")[0];
            CliThrow.Input($"{path}: line {e.LineNumber + 1}: {reason}" + (e.Path is { Length: > 2 } p ? $" (field '{p[2..]}')" : ""));
        }
        if (config is null) CliThrow.Input($"{path}: the config is null; write a JSON object such as {{ \"epochs\": 10 }}");
        config.Validate(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return config with
        {
            Schema = config.Schema is null ? null : Path.GetFullPath(config.Schema, folder),
            Data = config.Data?.Resolve(folder),
        };
    }

    void Validate(string source)
    {
        if (Schema is null && Dataset != "ml-latest-small") CliThrow.Field(source, "dataset", Dataset, "only \"ml-latest-small\" is supported");
        if (Schema is null && Data is not null) CliThrow.Field(source, "data", "set", "needs a \"schema\" naming the columns and features of those files");
        if (Data is { Interactions: null }) CliThrow.Field(source, "data.interactions", "missing", "must name the interactions file");
        if (Dimension < 1) CliThrow.Field(source, "dimension", Dimension, "must be at least 1");
        if (!(Temperature > 0)) CliThrow.Field(source, "temperature", Temperature, "must be positive");
        if (Epochs < 1) CliThrow.Field(source, "epochs", Epochs, "must be at least 1");
        if (BatchSize < 2) CliThrow.Field(source, "batchSize", BatchSize, "must be at least 2");
        if (!(LearningRate > 0)) CliThrow.Field(source, "learningRate", LearningRate, "must be positive");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) CliThrow.Field(source, "validationFraction", ValidationFraction, "must be in [0, 1), e.g. 0.1");
        if (Patience < 0) CliThrow.Field(source, "patience", Patience, "must be 0 (no early stopping) or more");
        if (Threads < 0) CliThrow.Field(source, "threads", Threads, "must be 0 (all cores) or more");
        if (K < 1) CliThrow.Field(source, "k", K, "must be at least 1");
    }
}
