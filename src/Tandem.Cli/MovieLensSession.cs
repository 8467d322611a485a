using Tandem.Data.Batching;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models;
using Tandem.Models.Evaluation;
using Tandem.Models.Experiments;
using Tandem.Models.Persistence;
using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Cli;

/// <summary>
/// MovieLens ml-latest-small prepared for one model: the log, the reference split, the fitted
/// features (fitted on the training rows, or loaded with a model), encoded data, catalogues and
/// the holdout, plus the items table's display fields (title, genres) when it is there.
/// </summary>
sealed class MovieLensSession : IDisposable
{
    public required InteractionLog Log { get; init; }
    public required Split Split { get; init; }
    public required FittedFeatures Fitted { get; init; }
    public required EncodedData Data { get; init; }
    public required ItemCatalogue Items { get; init; }
    public required UserCatalogue Users { get; init; }
    public required Holdout Holdout { get; init; }
    public required Vocabulary ItemVocabulary { get; init; }
    /// <summary>The items table's columns by item id (<c>movies.csv</c>, or the schema's items file), or null without one.</summary>
    public required ItemFields? Fields { get; init; }
    /// <summary>Where user ids come from, for the error on an unknown user (after "is not in the training data").</summary>
    public required string UserHint { get; init; }

    /// <summary>Loads the data; <paramref name="fitted"/> null fits the features on the training rows.</summary>
    public static MovieLensSession Load(string? dataDir, ulong splitSeed, FittedFeatures? fitted = null, ReadOptions read = default, ReadReport? report = null)
    {
        string? dir = MovieLensExperiment.DataDirectory(dataDir);
        if (dataDir is { Length: > 0 } && !Directory.Exists(dataDir))
            CliThrow.Input($"{dataDir}: data directory not found; pass --data-dir with the folder holding ml-latest-small/");
        var schema = MovieLensExperiment.Schema();
        var log = MovieLens.Load(MovieLensVariant.LatestSmall, schema, dir, read, report);
        string movies = Path.Combine(dir ?? Environment.GetEnvironmentVariable("TANDEM_DATA") ?? "", "ml-latest-small", "movies.csv");
        return Create(log, ReferenceSplit.Create(log, splitSeed), "item", fitted, File.Exists(movies) ? ItemFields.Read(movies, schema) : null,
            $"of ml-latest-small; use a userId from ratings.csv (1 to {log.UserKeys!.Count})");
    }

    /// <summary>A session over any log: items numbered by the id feature <paramref name="itemFeature"/>; <paramref name="fitted"/> null fits on the training rows.</summary>
    public static MovieLensSession Create(InteractionLog log, Split split, string itemFeature, FittedFeatures? fitted, ItemFields? fields, string userHint)
    {
        fitted ??= FittedFeatures.Fit(log, split.Train);
        var data = fitted.Encode(log, split.Train);
        var items = new ItemCatalogue(data, split.Train, itemFeature);
        var users = new UserCatalogue(log, fitted, data, split.Train);
        var vocabulary = ((CategoricalEncoder)fitted[itemFeature]).Vocabulary!;
        return new MovieLensSession
        {
            Log = log, Split = split, Fitted = fitted, Data = data, Items = items, Users = users,
            Holdout = new Holdout(log, split.Train, split.Test, items, id => vocabulary.Token(id)!),
            ItemVocabulary = vocabulary,
            Fields = fields,
            UserHint = userHint,
        };
    }

    /// <summary>Loads a model file and the data it was trained on (same split, the file's fitted features).</summary>
    public static (MovieLensSession Session, TwoTowerModel Model, ModelConfig Config) LoadModel(string path, string? dataDir)
    {
        MovieLensSession? session = null;
        var (model, config) = TwoTowerModelFile.Load<ModelConfig>(path, TrainingData.Schema, (config, fitted) =>
        {
            session = TrainingData.Load(config, dataDir, fitted);
            return TrainingData.Build(config, fitted, session.Items, dataDir);
        });
        return (session!, model, config);
    }

    /// <summary>The user code of an external user id, or a clear error.</summary>
    public int UserCode(string userId)
    {
        int code = Log.UserKeys!.CodeOf(userId);
        if (code < 0 || !Users.HasTraining(code))
            CliThrow.Input($"user '{userId}' is not in the training data {UserHint}");
        return code;
    }

    /// <summary>
    /// A vector index (factory string <paramref name="spec"/>, e.g. <c>HNSW32</c> or <c>Flat</c>) of the
    /// item tower's embeddings of every catalogue movie; an id is the movie's catalogue position.
    /// </summary>
    public VectorIndex IndexItems(TwoTowerModel model, string spec)
    {
        var catalogue = Holdout.CatalogueItems;
        using var v = model.EmbedItems(Items, catalogue);
        var index = IndexFactory.Create(spec, model.Item.OutputDimension, Metric.InnerProduct);
        index.Train(v.Span);
        var ids = new long[catalogue.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = i;
        index.Add(v.Span, ids);
        return index;
    }

    /// <summary>
    /// The <paramref name="k"/> best unseen catalogue movies for user code <paramref name="user"/>
    /// (movieId, title, score), answered by searching <paramref name="index"/> (from
    /// <see cref="IndexItems"/>) with the user's training movies filtered out.
    /// </summary>
    public List<(string MovieId, string Title, float Score)> Recommend(TwoTowerModel model, IVectorIndex index, int user, int k)
    {
        using var u = TwoTowerModel.Embed(model.User, [Users.Input([user])]);
        var seen = new HashSet<long>();
        foreach (int i in Holdout.Excluded[user]) seen.Add(i);
        var scores = new float[k];
        var ids = new long[k];
        // The filter drops the user's movies from the candidate list, so HNSW's list must be that much longer.
        var options = new SearchOptions { Filter = IdFilter.Where(id => !seen.Contains(id)), EfSearch = Math.Max(64, k + seen.Count) };
        index.Search(u.Span[..model.User.OutputDimension], k, scores, ids, options);
        var result = new List<(string, string, float)>();
        for (int j = 0; j < k && ids[j] >= 0; j++)
        {
            string key = ItemVocabulary.Token(Holdout.CatalogueItems[(int)ids[j]])!;
            result.Add((key, Fields?.Value(key, "title") ?? "", scores[j]));
        }
        return result;
    }

    public void Dispose()
    {
        Items.Dispose();
        Users.Dispose();
    }
}
