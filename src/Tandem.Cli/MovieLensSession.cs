using Tandem.Data.Batching;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Models;
using Tandem.Models.Evaluation;
using Tandem.Models.Experiments;
using Tandem.Models.Persistence;
using Tandem.Tensors;

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
    public required IReadOnlyDictionary<string, string[]> Genres { get; init; }

    /// <summary>Loads the data; <paramref name="fitted"/> null fits the features on the training rows.</summary>
    public static MovieLensSession Load(string? dataDir, ulong splitSeed, FittedFeatures? fitted = null)
    {
        string? dir = MovieLensExperiment.DataDirectory(dataDir);
        if (dataDir is { Length: > 0 } && !Directory.Exists(dataDir))
            CliThrow.Input($"{dataDir}: data directory not found; pass --data-dir with the folder holding ml-latest-small/");
        var log = MovieLens.Load(MovieLensVariant.LatestSmall, MovieLensExperiment.Schema(), dir);
        var split = ReferenceSplit.Create(log, splitSeed);
        fitted ??= FittedFeatures.Fit(log, split.Train);
        var data = fitted.Encode(log, split.Train);
        var items = new ItemCatalogue(data, split.Train, "item");
        var users = new UserCatalogue(log, fitted, data, split.Train);
        var vocabulary = ((CategoricalEncoder)fitted["item"]).Vocabulary!;
        var (titles, genres) = ReadMovies(dir ?? Environment.GetEnvironmentVariable("TANDEM_DATA"));
        return new MovieLensSession
        {
            Log = log, Split = split, Fitted = fitted, Data = data, Items = items, Users = users,
            Holdout = new Holdout(log, split.Train, split.Test, items, id => vocabulary.Token(id)!),
            ItemVocabulary = vocabulary,
            Titles = titles,
            Genres = genres,
        };
    }

    /// <summary>Loads a model file and the data it was trained on (same split, the file's fitted features).</summary>
    public static (MovieLensSession Session, TwoTowerModel Model, ModelConfig Config) LoadModel(string path, string? dataDir)
    {
        MovieLensSession? session = null;
        var (model, config) = TwoTowerModelFile.Load<ModelConfig>(path, MovieLensExperiment.Schema(), (config, fitted) =>
        {
            session = Load(dataDir, config.SplitSeed, fitted);
            return MovieLensExperiment.Build(fitted, session.Items, config.Options(dataDir), config.IdsOnly);
        });
        return (session!, model, config);
    }

    /// <summary>The user code of an external user id, or a clear error.</summary>
    public int UserCode(string userId)
    {
        int code = Log.UserKeys!.CodeOf(userId);
        if (code < 0 || !Users.HasTraining(code))
            CliThrow.Input($"user '{userId}' is not in the training data of ml-latest-small; use a userId from ratings.csv (1 to {Log.UserKeys.Count})");
        return code;
    }

    /// <summary>The <paramref name="k"/> best unseen catalogue items for user code <paramref name="user"/>: movieId, title, score.</summary>
    public List<(string MovieId, string Title, float Score)> Recommend(TwoTowerModel model, int user, int k)
    {
        using var u = TwoTowerModel.Embed(model.User, [Users.Input([user])]);
        var catalogue = Holdout.CatalogueItems;
        using var v = model.EmbedItems(Items, catalogue);
        int d = model.User.OutputDimension;
        var seen = new HashSet<int>();
        var codes = Log.ItemCodes;
        var userCodes = Log.UserCodes;
        foreach (int row in Split.Train)
            if (userCodes[row] == user) seen.Add(codes[row]);
        var keys = Log.ItemKeys!;
        var scored = new List<(string MovieId, float Score)>();
        var query = u.Span[..d];
        for (int i = 0; i < catalogue.Count; i++)
        {
            string key = ItemVocabulary.Token(catalogue[i])!;
            if (seen.Contains(keys.CodeOf(key))) continue;
            scored.Add((key, System.Numerics.Tensors.TensorPrimitives.Dot(query, v.Span.Slice(i * d, d))));
        }
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.MovieId, StringComparer.Ordinal).Take(k)
            .Select(s => (s.MovieId, Titles.GetValueOrDefault(s.MovieId, ""), s.Score)).ToList();
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
