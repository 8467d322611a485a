using Tandem.Data.Batching;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models.Evaluation;
using Tandem.Models.Recipes;
using Tandem.Models.Towers;
using Tandem.Models.Training;

namespace Tandem.Models;

/// <summary>
/// The data a <see cref="ModelRecipe"/> trains and is evaluated on: the log read from its named
/// dataset or schema file, the per-user split, the fitted features (fitted on the training rows,
/// or a model's own), the encoded data, the catalogues of the training rows and the test holdout.
/// Train, evaluate, recommend and index building all start here, so they treat every dataset alike.
/// </summary>
public sealed class ModelData : IDisposable
{
    ModelData(ModelRecipe recipe, InteractionLog log, Split split, FittedFeatures fitted, ContentEncoder? encoder)
    {
        Recipe = recipe;
        Log = log;
        Split = split;
        Fitted = fitted;
        Data = fitted.Encode(log, split.Train);
        ItemFeature = ModelRecipe.IdFeature(fitted.Schema, Tower.Item);
        Items = new ItemInputs(Data, split.Train, ItemFeature);
        Users = new UserInputs(log, fitted, Data, split.Train);
        var vocabulary = ((CategoricalEncoder)fitted[ItemFeature]).Vocabulary!;
        ItemKey = id => vocabulary.Token(id)!;
        Holdout = new Holdout(log, split.Train, split.Test, Items, ItemKey);
        Images = fitted.Schema.Features.Where(f => f.Kind == FeatureKind.Image && Reads(recipe, f) && TowerOf(recipe, f).Encoders?.ContainsKey(f.Name) != true)
            .ToDictionary(f => f.Name, f =>
            {
                // Relative image paths are relative to the file that names them.
                var table = log.TableOf(f);
                string folder = Path.GetDirectoryName(Path.GetFullPath(table.Source)) ?? "";
                return ImageSet.Build(table.Get<TextColumn>(f.Column).Values, TowerOf(recipe, f).ImageSize, folder);
            });
        // Features of other kinds named in "encoders" are reported when the tower is built.
        Pretrained = fitted.Schema.Features.Where(f => f.Kind is FeatureKind.Text or FeatureKind.Image && Reads(recipe, f) && TowerOf(recipe, f).Encoders?.ContainsKey(f.Name) == true)
            .ToDictionary(f => f.Name, f =>
            {
                string name = TowerOf(recipe, f).Encoders![f.Name];
                if (encoder is null)
                    throw new ModelException($"Feature '{f.Name}' is read through the pretrained encoder \"{name}\"; give ModelData.Load a ContentEncoder (Tandem.Pretrained's FeatureCache.Encoder; the CLI does)");
                var table = log.TableOf(f);
                string folder = Path.GetDirectoryName(Path.GetFullPath(table.Source)) ?? "";
                string[] values = [.. table.Get<TextColumn>(f.Column).Values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
                return encoder(f, name, values, folder);
            });
    }

    static TowerOptions TowerOf(ModelRecipe recipe, FeatureSpec feature) => feature.Tower == Tower.Item ? recipe.Item : recipe.User;

    /// <summary>Whether a tower of <paramref name="recipe"/> reads <paramref name="feature"/> (every feature of its side when it names none).</summary>
    static bool Reads(ModelRecipe recipe, FeatureSpec feature)
    {
        var tower = TowerOf(recipe, feature);
        return tower.Features is null || tower.Features.Contains(feature.Name);
    }

    /// <summary>The recipe whose data this is.</summary>
    public ModelRecipe Recipe { get; }
    /// <summary>Every interaction read.</summary>
    public InteractionLog Log { get; }
    /// <summary>Training and test rows.</summary>
    public Split Split { get; }
    /// <summary>The fitted features.</summary>
    public FittedFeatures Fitted { get; }
    /// <summary>The encoded log.</summary>
    public EncodedData Data { get; }
    /// <summary>The id feature that numbers items.</summary>
    public string ItemFeature { get; }
    /// <summary>Items of the training rows, with their tower inputs and counts.</summary>
    public ItemInputs Items { get; }
    /// <summary>Users with their training histories and tower inputs.</summary>
    public UserInputs Users { get; }
    /// <summary>The test holdout over the full training catalogue.</summary>
    public Holdout Holdout { get; }
    /// <summary>The images of each image feature the towers read, decoded once.</summary>
    public IReadOnlyDictionary<string, ImageSet> Images { get; }
    /// <summary>The vectors of each feature a tower reads through a pretrained encoder, computed (or read from the cache) once.</summary>
    public IReadOnlyDictionary<string, EncodedVectors> Pretrained { get; }
    /// <summary>An item id's key (its value in the data, e.g. a movieId).</summary>
    public Func<int, string> ItemKey { get; }

    /// <summary>The schema <paramref name="recipe"/> reads: its schema file, or its named dataset's default schema located under <paramref name="dataDir"/>.</summary>
    /// <exception cref="Tandem.Data.DataException">The schema file or dataset is not found or invalid.</exception>
    /// <remarks>A positive <c>user.sequence.maxLength</c> replaces the user tower's histories' <c>max_length</c>.</remarks>
    public static FeatureSchema Schema(ModelRecipe recipe, string? dataDir)
    {
        FeatureSchema schema;
        if (recipe.Data.Schema is { } path) schema = recipe.Data.Apply(SchemaJson.Load(path));
        else
        {
            if (dataDir is { Length: > 0 } && !Directory.Exists(dataDir))
                throw new ModelException($"{dataDir}: data directory not found; pass the folder holding {recipe.Data.Named}/");
            schema = recipe.Data.Apply(NamedDataset.Find(recipe.Data.Named!).Schema(DataDirectory.Resolve(dataDir)));
        }
        int length = recipe.User.Sequence.MaxLength;
        return length > 0 ? schema.Map(f => f.Kind == FeatureKind.Sequence ? f with { MaxLength = length } : f) : schema;
    }

    /// <summary>
    /// Reads and splits <paramref name="recipe"/>'s data (<paramref name="dataDir"/>: where named
    /// datasets are looked for first); <paramref name="fitted"/> null fits the features on the
    /// training rows, else reuses a model's (its schema is then the one read).
    /// </summary>
    /// <exception cref="Tandem.Data.DataException">The data is missing or a row is bad (and bad rows are not skipped).</exception>
    /// <exception cref="ModelException">The schema has no user or item id feature, or a feature needs a pretrained encoder and <paramref name="encoder"/> is null.</exception>
    public static ModelData Load(ModelRecipe recipe, string? dataDir, FittedFeatures? fitted = null, ReadReport? report = null, ContentEncoder? encoder = null)
    {
        var schema = fitted?.Schema ?? Schema(recipe, dataDir);
        // A named dataset is located again (a model's stored paths may be another machine's).
        var files = recipe.Data.Files ?? (fitted is not null && recipe.Data.Named is { } name ? NamedDataset.Find(name).Files(DataDirectory.Resolve(dataDir)) : schema.Files);
        if (files.Interactions is null)
            throw new ModelException($"{recipe.Data.Schema ?? "config"}: no interactions file; set \"data\": {{ \"interactions\": ... }} in the schema, or \"data.files\" in the config");
        var log = InteractionLog.Load(schema, files.Interactions, files.Users, files.Items, new ReadOptions { SkipBadRows = recipe.Data.SkipBadRows }, report);
        ModelRecipe.IdFeature(schema, Tower.User);
        return Create(recipe, log, ReferenceSplit.Create(log, recipe.Split.Seed, recipe.Split.TestFraction), fitted, encoder);
    }

    /// <summary>
    /// The data of <paramref name="log"/> under a split of the caller's (a time-based split, a
    /// benchmark's fixed rows) instead of the recipe's; <paramref name="fitted"/> as in <see cref="Load"/>.
    /// </summary>
    /// <exception cref="ModelException">The schema has no user or item id feature.</exception>
    public static ModelData Create(ModelRecipe recipe, InteractionLog log, Split split, FittedFeatures? fitted = null, ContentEncoder? encoder = null) =>
        new(recipe, log, split, fitted ?? FittedFeatures.Fit(log, split.Train), encoder);

    /// <summary>The files the data was read from (the config's, or the schema's).</summary>
    public DataFiles Files => Recipe.Data.Files ?? Log.Schema.Files;

    /// <summary>The user code of an external user id, or one clear error naming where user ids come from.</summary>
    /// <exception cref="ModelException">The user is not in the training data.</exception>
    public int UserCode(string userId)
    {
        int code = Log.UserKeys!.CodeOf(userId);
        if (code < 0 || !Users.HasTraining(code))
            throw new ModelException($"user '{userId}' is not in the training data of {Files.Interactions}; use a value of its '{Log.Schema.Interactions.User}' column");
        return code;
    }

    /// <summary>
    /// Trains <paramref name="recipe"/> (this data's recipe, or a variant such as its ID-only
    /// baseline) on the training rows less the recipe's validation slice (one example per row, or
    /// per user with <c>task.examples</c> users), stopping early on that slice's metric; the test rows are never read. <paramref name="observe"/> may attach
    /// progress handlers or a checkpoint path to the trainer of the built model before it starts;
    /// <paramref name="resumeFrom"/> continues the run saved in that checkpoint, bit for bit.
    /// </summary>
    public (TwoTowerModel Model, TrainingResult Result) Train(ModelRecipe recipe, Action<Trainer, TrainValidationSplit, TwoTowerModel>? observe = null,
        CancellationToken cancellation = default, string? resumeFrom = null)
    {
        using var slice = TrainValidationSplit.Create(Log, Fitted, Data, Split.Train, Items, Users, Holdout, recipe.Split.ValidationFraction, recipe.Split.Seed);
        var examples = recipe.Task.Examples == ExampleKind.Users ? slice.UserExamples : null;
        var model = recipe.Build(Fitted, slice.Items.Counts, slice.Items, slice.Users, Images, Pretrained, examples);
        var trainer = slice.Trainer(recipe.Training, recipe.K);
        observe?.Invoke(trainer, slice, model);
        return (model, trainer.Fit(model, slice.Data, slice.ExampleRows(recipe), cancellation, resumeFrom));
    }

    /// <summary>Returns the catalogues' buffers.</summary>
    public void Dispose()
    {
        Items.Dispose();
        Users.Dispose();
        foreach (var v in Pretrained.Values) v.Vectors.Dispose();
    }
}
