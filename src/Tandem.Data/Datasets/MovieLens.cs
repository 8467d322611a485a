using System.Text;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Datasets;

/// <summary>The MovieLens releases, each in its own format.</summary>
public enum MovieLensVariant
{
    /// <summary><c>ml-latest-small</c>: CSV with headers, 100,836 ratings (2018 release).</summary>
    LatestSmall,
    /// <summary><c>ml-latest</c>: the full, periodically regenerated release, same CSV format.</summary>
    Latest,
    /// <summary><c>ml-100k</c>: tab-separated <c>u.data</c>, pipe-separated <c>u.item</c> (19 genre flags) and <c>u.user</c>, Latin-1.</summary>
    Ml100k,
    /// <summary><c>ml-1m</c>: <c>::</c>-separated <c>ratings.dat</c>, <c>movies.dat</c>, <c>users.dat</c>, Latin-1.</summary>
    Ml1m,
    /// <summary><c>ml-20m</c>: CSV with headers.</summary>
    Ml20m,
    /// <summary><c>ml-25m</c>: CSV with headers.</summary>
    Ml25m,
}

/// <summary>
/// Loads MovieLens under one set of column names whatever the release: interactions
/// <c>userId, movieId, rating, timestamp</c>; items <c>movieId, title, genres</c> (genres
/// <c>|</c>-separated); users (ml-100k, ml-1m) <c>userId, gender, age, occupation, zip</c>.
/// </summary>
public static class MovieLens
{
    const string Base = "https://files.grouplens.org/datasets/movielens/";

    // SHA-256 of the ml-latest-small files as distributed in the 2018 release (computed from a copy
    // whose counts match its README). GroupLens publishes MD5s, not SHA-256s, for the archives, so
    // the archive hash is recorded on first download; the other releases check file presence.
    static readonly (string, string?)[] LatestSmallFiles =
    [
        ("ratings.csv", "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646"),
        ("movies.csv", "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07"),
        ("tags.csv", "92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d"),
        ("links.csv", "97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31"),
    ];

    static readonly string[] Ml100kGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <summary>Name, URL and files of a release.</summary>
    public static DatasetInfo Info(MovieLensVariant variant) => variant switch
    {
        MovieLensVariant.LatestSmall => new("ml-latest-small", Base + "ml-latest-small.zip", null, LatestSmallFiles),
        MovieLensVariant.Latest => new("ml-latest", Base + "ml-latest.zip", null, [("ratings.csv", null), ("movies.csv", null)]),
        MovieLensVariant.Ml100k => new("ml-100k", Base + "ml-100k.zip", null, [("u.data", null), ("u.item", null), ("u.user", null)]),
        MovieLensVariant.Ml1m => new("ml-1m", Base + "ml-1m.zip", null, [("ratings.dat", null), ("movies.dat", null), ("users.dat", null)]),
        MovieLensVariant.Ml20m => new("ml-20m", Base + "ml-20m.zip", null, [("ratings.csv", null), ("movies.csv", null)]),
        MovieLensVariant.Ml25m => new("ml-25m", Base + "ml-25m.zip", null, [("ratings.csv", null), ("movies.csv", null)]),
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    /// <summary>
    /// The default retrieval schema: user and item ids, genres (mean-pooled), title text,
    /// hour/day/age of the rating, and the user's last 50 movies; implicit feedback, weight 1.
    /// </summary>
    public static FeatureSchema DefaultSchema() => new SchemaBuilder()
        .Interactions(user: "userId", item: "movieId", timestamp: "timestamp", rating: "rating")
        .Id("user", "userId", Tower.User)
        .Id("item", "movieId", Tower.Item)
        .MultiCategorical("genres", "genres", Tower.Item)
        .Text("title", "title", Tower.Item)
        .Timestamp("time", "timestamp")
        .Sequence("history", "movieId", maxLength: 50)
        .Build("MovieLens");

    /// <summary>Loads a release with <paramref name="schema"/> (the default one if null) from the first folder that has it.</summary>
    /// <exception cref="DataException">Not found locally and not downloadable, or a bad row (unless skipped).</exception>
    public static InteractionLog Load(MovieLensVariant variant, FeatureSchema? schema = null, string? dataDir = null, ReadOptions options = default, ReadReport? report = null, HttpClient? http = null)
    {
        schema ??= DefaultSchema();
        string dir = DatasetFetcher.Locate(Info(variant), dataDir, http);
        var latin1 = Encoding.Latin1;
        string[] ratingColumns = ["userId", "movieId", "rating", "timestamp"];
        string[] userColumns = ["userId", "gender", "age", "occupation", "zip"];
        switch (variant)
        {
            case MovieLensVariant.Ml1m:
                using (var ratings = new SeparatorRowReader(Path.Combine(dir, "ratings.dat"), "::", ratingColumns))
                using (var movies = new SeparatorRowReader(Path.Combine(dir, "movies.dat"), "::", ["movieId", "title", "genres"], latin1))
                using (var users = new SeparatorRowReader(Path.Combine(dir, "users.dat"), "::", userColumns))
                    return InteractionLog.Load(schema, ratings, Uses(schema, Tower.User, users), movies, options, report);
            case MovieLensVariant.Ml100k:
                using (var ratings = new SeparatorRowReader(Path.Combine(dir, "u.data"), "\t", ratingColumns))
                using (var movies = new Ml100kItems(new SeparatorRowReader(Path.Combine(dir, "u.item"), "|", Ml100kItemColumns(), latin1)))
                using (var users = new SeparatorRowReader(Path.Combine(dir, "u.user"), "|", ["userId", "age", "gender", "occupation", "zip"]))
                    return InteractionLog.Load(schema, ratings, Uses(schema, Tower.User, users), movies, options, report);
            default:
                using (var ratings = new CsvRowReader(Path.Combine(dir, "ratings.csv")))
                using (var movies = new CsvRowReader(Path.Combine(dir, "movies.csv")))
                    return InteractionLog.Load(schema, ratings, null, movies, options, report);
        }
    }

    /// <summary>The side table only if the schema has a user feature it could hold.</summary>
    static IRowReader? Uses(FeatureSchema schema, Tower tower, IRowReader side) =>
        schema.Features.Any(f => f.Tower == tower && f.Column != schema.Interactions.User && side.Columns.Contains(f.Column)) ? side : null;

    static string[] Ml100kItemColumns() =>
        ["movieId", "title", "release_date", "video_release_date", "imdb_url", .. Ml100kGenres.Select(g => "genre:" + g)];

    /// <summary>ml-100k's u.item with its 19 genre flags folded into one <c>genres</c> column like the other releases.</summary>
    sealed class Ml100kItems(SeparatorRowReader inner) : IRowReader
    {
        readonly StringBuilder genres = new();
        string current = "";

        public string Source => inner.Source;
        public IReadOnlyList<string> Columns { get; } = ["movieId", "title", "release_date", "genres"];
        public long Line => inner.Line;
        public int FieldCount => inner.FieldCount == 5 + Ml100kGenres.Length ? Columns.Count : inner.FieldCount;

        public ReadOnlySpan<char> this[int ordinal] => ordinal == 3 ? current : inner[ordinal];

        public bool Read()
        {
            if (!inner.Read()) return false;
            genres.Clear();
            if (inner.FieldCount == 5 + Ml100kGenres.Length)
                for (int g = 0; g < Ml100kGenres.Length; g++)
                    if (inner[5 + g] is "1") genres.Append(genres.Length == 0 ? "" : "|").Append(Ml100kGenres[g]);
            current = genres.ToString();
            return true;
        }

        public void Dispose() => inner.Dispose();
    }
}
