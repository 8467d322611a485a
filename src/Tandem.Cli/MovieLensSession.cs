using Tandem.Data.Batching;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models;
using Tandem.Models.Evaluation;
using Tandem.Experiments;
using Tandem.Models.Training;
using Tandem.Models.Persistence;
using Tandem.Retrieval;

namespace Tandem.Cli;

/// <summary>
/// MovieLens ml-latest-small prepared for one model: the log, the reference split, the fitted
/// features (fitted on the training rows, or loaded with a model), encoded data, catalogues and
/// the holdout, plus titles and genres from <c>movies.csv</c> when it is there.
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
    public required IReadOnlyDictionary<string, string> Titles { get; init; }
    /// <summary>Where user ids come from, for the error on an unknown user (after "is not in the training data").</summary>
    public required string UserHint { get; init; }
    public required IReadOnlyDictionary<string, string[]> Genres { get; init; }

    /// <summary>Loads the data; <paramref name="fitted"/> null fits the features on the training rows.</summary>
    public static MovieLensSession Load(string? dataDir, ulong splitSeed, FittedFeatures? fitted = null, ReadOptions read = default, ReadReport? report = null)
    {
        string? dir = DataDirectory.Resolve(dataDir);
        if (dataDir is { Length: > 0 } && !Directory.Exists(dataDir))
            CliThrow.Input($"{dataDir}: data directory not found; pass --data-dir with the folder holding ml-latest-small/");
        var log = NamedDataset.Find("ml-latest-small").Load(dir, MovieLensExperiment.Schema(), read, report);
        var (titles, genres) = ReadMovies(dir ?? Environment.GetEnvironmentVariable("TANDEM_DATA"));
        return Create(log, ReferenceSplit.Create(log, splitSeed), "item", fitted, titles, genres,
            $"of ml-latest-small; use a userId from ratings.csv (1 to {log.UserKeys!.Count})");
    }

    /// <summary>A session over any log: items numbered by the id feature <paramref name="itemFeature"/>; <paramref name="fitted"/> null fits on the training rows.</summary>
    public static MovieLensSession Create(InteractionLog log, Split split, string itemFeature, FittedFeatures? fitted,
        IReadOnlyDictionary<string, string> titles, IReadOnlyDictionary<string, string[]> genres, string userHint)
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
            Titles = titles,
            UserHint = userHint,
            Genres = genres,
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
            result.Add((key, Titles.GetValueOrDefault(key, ""), scores[j]));
        }
        return result;
    }

    /// <summary>Title and genres by movieId ("(no genres listed)" is no genre).</summary>
    static (Dictionary<string, string> Titles, Dictionary<string, string[]> Genres) ReadMovies(string? dir)
    {
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var genres = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string path = Path.Combine(dir ?? "", "ml-latest-small", "movies.csv");
        if (dir is null || !File.Exists(path)) return (titles, genres);
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            int comma = line.IndexOf(',');
            int last = line.LastIndexOf(',');
            if (comma < 0 || last <= comma) continue;
            string title = line[(comma + 1)..last];
            if (title.Length >= 2 && title[0] == '"' && title[^1] == '"') title = title[1..^1].Replace("\"\"", "\"");
            titles[line[..comma]] = title;
            genres[line[..comma]] = line[(last + 1)..] == "(no genres listed)" ? [] : line[(last + 1)..].Split('|');
        }
        return (titles, genres);
    }

    public void Dispose()
    {
        Items.Dispose();
        Users.Dispose();
    }
}
