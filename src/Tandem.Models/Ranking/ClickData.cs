using Tandem.Data.Batching;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models.Recipes;

namespace Tandem.Models.Ranking;

/// <summary>
/// The labelled impressions a ranker recipe trains, calibrates and is evaluated on: the log read
/// from its named dataset or schema, each impression's click label (the label column, or ratings
/// turned into clicks), the split into training, validation (carved from training the same way)
/// and test rows, and the features fitted on the training rows less validation.
/// Immutable; safe to read from several threads.
/// </summary>
public sealed class ClickData
{
    ClickData(ModelRecipe recipe, InteractionLog log, float[] labels, int[] fit, int[] validation, int[] test, FittedFeatures fitted, int[]? context = null, int[]? items = null)
    {
        this.context = context;
        Recipe = recipe;
        Log = log;
        Labels = labels;
        TrainRows = fit;
        ValidationRows = validation;
        TestRows = test;
        Fitted = fitted;
        // Histories are built from the training interactions, never from sampled non-clicks.
        var encoded = fitted.Encode(log, context is null ? fit : [.. fit.Where(r => r < log.Count)]);
        Data = context is null ? encoded.WithLabels(labels) : encoded.Paired(context, items!, labels);
    }

    readonly int[]? context;

    /// <summary>The recipe whose data this is.</summary>
    public ModelRecipe Recipe { get; }
    /// <summary>Every interaction read, dropped ones (neutral ratings) included.</summary>
    public InteractionLog Log { get; }
    /// <summary>
    /// The click label of every example: the log's interactions (0 for dropped ones, which no split
    /// holds), then, for an implicit log, its sampled non-clicks (all 0).
    /// </summary>
    public float[] Labels { get; }
    /// <summary>Rows trained on: the training split less validation.</summary>
    public int[] TrainRows { get; }
    /// <summary>Rows carved from training to stop early and fit the calibration; empty with a validation fraction of 0.</summary>
    public int[] ValidationRows { get; }
    /// <summary>Held-out rows, never read in training or calibration.</summary>
    public int[] TestRows { get; }
    /// <summary>The features fitted on <see cref="TrainRows"/>.</summary>
    public FittedFeatures Fitted { get; }
    /// <summary>The encoded examples with <see cref="Labels"/>: the log's interactions, then any sampled non-clicks.</summary>
    public EncodedData Data { get; }

    /// <summary>
    /// Reads, labels and splits <paramref name="recipe"/>'s data (<paramref name="dataDir"/>: where
    /// named datasets are looked for first); <paramref name="fitted"/> null fits the features on the
    /// training rows, else reuses a model's.
    /// </summary>
    /// <exception cref="Tandem.Data.DataException">The data is missing, or a row or label is bad (and bad rows are not skipped).</exception>
    /// <exception cref="ModelException">The data has no labels, ratings, users or timestamps the recipe needs.</exception>
    public static ClickData Load(ModelRecipe recipe, string? dataDir, FittedFeatures? fitted = null, ReadReport? report = null)
    {
        var schema = fitted?.Schema ?? ModelData.Schema(recipe, dataDir);
        var files = recipe.Data.Files ?? (fitted is not null && recipe.Data.Named is { } name ? NamedDataset.Find(name).Files(DataDirectory.Resolve(dataDir)) : schema.Files);
        if (files.Interactions is null)
            throw new ModelException($"{recipe.Data.Schema ?? "config"}: no interactions file; set \"data\": {{ \"interactions\": ... }} in the schema, or \"data.files\" in the config");
        var log = InteractionLog.Load(schema, files.Interactions, files.Users, files.Items, new ReadOptions { SkipBadRows = recipe.Data.SkipBadRows }, report);
        var (labels, rows) = Clicks(log, recipe.Data.Clicks, files.Interactions.Path);
        var s = recipe.Split;
        var split = Divide(log, rows, s.By, s.TestFraction, (int)s.Seed, files.Interactions.Path);
        var carved = s.ValidationFraction > 0 ? Divide(log, split.Train, s.By, s.ValidationFraction, (int)s.Seed + 1, files.Interactions.Path) : new Split(split.Train, []);
        if (carved.Train.Length == 0 || split.Test.Length == 0)
            throw new ModelException($"{files.Interactions.Path}: {rows.Length} labelled impressions leave {carved.Train.Length} to train on and {split.Test.Length} to test; more data or other fractions are needed");
        fitted ??= FittedFeatures.Fit(log, carved.Train);
        if (recipe.Data.Clicks != ClickSource.Implicit) return new ClickData(recipe, log, labels, carved.Train, carved.Test, split.Test, fitted);
        var (context, items, all, parts) = SampledNegatives.Add(log, recipe.Data.Negatives, (int)s.Seed, files.Interactions.Path, carved.Train, carved.Test, split.Test);
        return new ClickData(recipe, log, all, parts[0], parts[1], parts[2], fitted, context, items);
    }

    /// <summary>Each interaction's click label and the rows that have one.</summary>
    static (float[] Labels, int[] Rows) Clicks(InteractionLog log, ClickSource source, string file)
    {
        if (source == ClickSource.Implicit) return (new float[log.Count], Enumerable.Range(0, log.Count).ToArray());
        if (source == ClickSource.Label)
        {
            var labels = log.Labels ?? throw new ModelException(
                $"{file}: the schema names no label column; set \"label\" under \"interactions\" (each 0 or 1), or \"data.clicks\": \"ratings\" to turn ratings into clicks");
            return (labels, Enumerable.Range(0, log.Count).ToArray());
        }
        var ratings = log.Ratings ?? throw new ModelException($"{file}: \"data.clicks\" is \"ratings\" but the schema names no rating column; set \"rating\" under \"interactions\"");
        var clicks = new float[log.Count];
        var kept = new List<int>(log.Count);
        for (int i = 0; i < clicks.Length; i++)
        {
            // AutoInt's convention: above the neutral 3 a click, below it a non-click, 3 itself dropped.
            if (ratings[i] == 3) continue;
            clicks[i] = ratings[i] > 3 ? 1 : 0;
            kept.Add(i);
        }
        return (clicks, [.. kept]);
    }

    static Split Divide(InteractionLog log, int[] rows, SplitKind by, double fraction, int seed, string file) => by switch
    {
        SplitKind.Impression => Splitter.Random(log, fraction, seed, rows),
        SplitKind.Time when log.Timestamps is null => throw new ModelException($"{file}: \"split.by\" is \"time\" but the schema names no timestamp column; set \"timestamp\" under \"interactions\" or split by \"impression\""),
        SplitKind.Time => Splitter.Temporal(log, Splitter.TemporalCutoff(log, fraction, rows), rows),
        _ when log.UserKeys is null => throw new ModelException($"{file}: \"split.by\" is \"user\" but the schema names no user column; set \"user\" under \"interactions\" or split by \"impression\""),
        _ => Splitter.PerUserRandom(log, fraction, seed, rows),
    };

    /// <summary>
    /// Trains <paramref name="recipe"/>'s ranker (this data's recipe, or a variant such as another model)
    /// on <see cref="TrainRows"/>, stopping early on the validation AUC, then fits its calibration on the
    /// validation logits; the test rows are never read. <paramref name="observe"/> may attach progress
    /// handlers to the trainer before it starts.
    /// </summary>
    /// <exception cref="ModelException">The recipe has no ranker, or it asks for a calibration without a validation slice.</exception>
    public (Ranker Ranker, Training.TrainingResult Result) Train(ModelRecipe recipe, Action<Training.Trainer>? observe = null, CancellationToken cancellation = default)
    {
        var options = recipe.Ranker ?? throw new ModelException("the recipe has no \"ranker\" section; a two-tower recipe trains through ModelData");
        if (ValidationRows.Length == 0 && options.Calibration != CalibrationKind.None)
            throw new ModelException($"ranker.calibration is \"{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(options.Calibration.ToString())}\", fitted on validation, but split.validationFraction is 0; set a fraction or \"calibration\": \"none\"");
        var ranker = new Ranker(Fitted, options, recipe.Training.Seed) { Recipe = recipe };
        var trainer = new Training.Trainer(recipe.Training with { Patience = ValidationRows.Length == 0 ? 0 : recipe.Training.Patience });
        var validationLabels = ValidationRows.Select(r => Labels[r]).ToArray();
        if (ValidationRows.Length > 0) trainer.Validation = m => Tandem.Evaluation.Metrics.Auc.Compute(((Ranker)m).Logits(Data, ValidationRows), validationLabels);
        observe?.Invoke(trainer);
        var result = trainer.Fit(ranker, Data, TrainRows, cancellation);
        if (ValidationRows.Length > 0) ranker.Calibration = Calibration.Calibrator.Fit(options.Calibration, ranker.Logits(Data, ValidationRows), validationLabels);
        return (ranker, result);
    }

    /// <summary>The user code of each row, for group AUC; null without a user column.</summary>
    public int[]? Users => Log.UserKeys is null ? null : context is null ? Log.UserCodes.ToArray() : [.. context.Select(r => Log.UserCodes[r])];
}
