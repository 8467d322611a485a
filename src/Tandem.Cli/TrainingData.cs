using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models;
using Tandem.Models.Experiments;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Serving.Catalogs;

namespace Tandem.Cli;

/// <summary>
/// What a <see cref="ModelConfig"/> trains on: the MovieLens quickstart, or any data a schema file
/// describes (its features, interaction columns and files). Both become a session with the same
/// catalogues and holdout, so train, evaluate, recommend and <c>index build --model</c> treat them alike.
/// </summary>
static class TrainingData
{
    /// <summary>Share of each user's interactions held out for evaluation when training from a schema file.</summary>
    const double TestRatio = 0.25;

    /// <summary>The schema the config trains with.</summary>
    public static FeatureSchema Schema(ModelConfig config) =>
        config.Schema is null ? MovieLensExperiment.Schema() : SchemaJson.Load(config.Schema);

    /// <summary>Reads and splits the config's data; <paramref name="fitted"/> null fits the features on the training rows.</summary>
    public static MovieLensSession Load(ModelConfig config, string? dataDir, FittedFeatures? fitted = null, ReadReport? report = null)
    {
        var read = new ReadOptions { SkipBadRows = config.SkipBadRows };
        if (config.Schema is null) return MovieLensSession.Load(dataDir, config.SplitSeed, fitted, read, report);
        var schema = fitted?.Schema ?? Schema(config);
        var files = config.Data ?? schema.Files;
        if (files.Interactions is null)
            CliThrow.Input($"{config.Schema}: no interactions file; set \"data\": {{ \"interactions\": ... }} in the schema or the config");
        var log = InteractionLog.Load(schema, files.Interactions, files.Users, files.Items, read, report);
        var split = Splitter.PerUserRandom(log, TestRatio, unchecked((int)config.SplitSeed));
        return MovieLensSession.Create(log, split, IdFeature(schema, schema.Interactions.Item, "item"), fitted, files.Items is null ? null : ItemFields.Read(files.Items, schema),
            $"of {files.Interactions}; use a value of its '{schema.Interactions.User}' column");
    }

    /// <summary>
    /// The model the config describes, untrained. From a schema file: every feature the towers can
    /// encode on its side, an embedding per id, one hidden layer of 128, output and embeddings of
    /// <see cref="ModelConfig.Dimension"/>; with <see cref="ModelConfig.IdsOnly"/>, the two id features alone.
    /// </summary>
    public static TwoTowerModel Build(ModelConfig config, FittedFeatures fitted, ItemCatalogue items, string? dataDir, UserCatalogue? leaveOneOut = null)
    {
        var options = config.Options(dataDir);
        if (config.Schema is null) return MovieLensExperiment.Build(fitted, items, options, config.IdsOnly, leaveOneOut);
        var schema = fitted.Schema;
        string item = IdFeature(schema, schema.Interactions.Item, "item");
        var rng = new Random(options.Seed);
        var user = new TowerOptions
        {
            Features = config.IdsOnly ? [IdFeature(schema, schema.Interactions.User, "user")] : null,
            EmbeddingDimension = config.Dimension,
            Hidden = config.IdsOnly ? [] : options.Hidden,
            OutputDimension = config.Dimension,
        };
        var itemTower = user with { Features = config.IdsOnly ? [item] : null };
        var task = new RetrievalTask(new RetrievalOptions { Temperature = config.Temperature },
            new LogQFromCounts(items.Counts), new RemoveAccidentalHits());
        return new TwoTowerModel(fitted, EncoderTower.Create(fitted, Tower.User, user, rng), EncoderTower.Create(fitted, Tower.Item, itemTower, rng), task, item)
        {
            LeaveOneOutHistories = leaveOneOut,
        };
    }

    /// <summary>Prints how many rows were skipped and the first few, each as file:line: column.</summary>
    public static void WriteSkipped(TextWriter output, ReadReport report)
    {
        if (report.RowsSkipped == 0) return;
        output.WriteLine($"Skipped {report.RowsSkipped:N0} bad row(s) of {report.RowsRead + report.RowsSkipped:N0} (--skip-bad-rows); the first {Math.Min(5, report.Messages.Count)}:");
        foreach (string message in report.Messages.Take(5)) output.WriteLine($"  {message}");
    }

    /// <summary>The id feature read from the interaction column <paramref name="column"/>: it numbers the users or items.</summary>
    static string IdFeature(FeatureSchema schema, string? column, string side)
    {
        var feature = schema.Features.FirstOrDefault(f => f.Kind == FeatureKind.Id && f.Column == column);
        if (column is null || feature is null)
            CliThrow.Input($"{schema.Files.Interactions ?? "schema"}: training needs an id feature of the {side} column ({column ?? $"set \"{side}\" under \"interactions\""}), "
                + $"e.g. {{ \"name\": \"{side}\", \"column\": \"{column ?? side + "Id"}\", \"kind\": \"id\", \"tower\": \"{side}\" }}");
        return feature.Name;
    }
}
