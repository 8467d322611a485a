using Tandem.Data.IO;
using Tandem.Data.Schema;

namespace Tandem.Data.Datasets;

/// <summary>
/// The MovieLens releases as <see cref="NamedDataset"/>s, read under one set of column names
/// whatever the format: interactions <c>userId, movieId, rating, timestamp</c>; items
/// <c>movieId, title, genres</c> (genres <c>|</c>-separated); users (ml-100k, ml-1m)
/// <c>userId, gender, age, occupation, zip</c>.
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

    /// <summary>The 19 genres of ml-100k's <c>u.item</c> flags, in file order (its <c>u.genre</c>).</summary>
    public static IReadOnlyList<string> Ml100kGenres { get; } =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    static readonly string[] RatingColumns = ["userId", "movieId", "rating", "timestamp"];
    static readonly string[] Display = ["title", "genres"];

    /// <summary>The releases, smallest first.</summary>
    internal static IEnumerable<NamedDataset> Releases() =>
    [
        Ml100k(),
        Ml1m(),
        Csv("ml-latest-small", "MovieLens 2018 small release: 100,836 ratings of 9,742 movies by 610 users (CSV)", LatestSmallFiles),
        Csv("ml-latest", "MovieLens full current release, regenerated over time, so not for reproducible results (CSV)", [("ratings.csv", null), ("movies.csv", null)]),
        Csv("ml-20m", "MovieLens 20M: 20,000,263 ratings of 27,278 movies by 138,493 users (CSV)", [("ratings.csv", null), ("movies.csv", null)]),
        Csv("ml-25m", "MovieLens 25M: 25,000,095 ratings of 62,423 movies by 162,541 users (CSV)", [("ratings.csv", null), ("movies.csv", null)]),
    ];

    /// <summary>
    /// The features every release's default schema has: user and item ids, genres (mean-pooled), title
    /// text, hour/day/age of the rating, and the user's last 50 movies; implicit feedback, weight 1.
    /// </summary>
    static SchemaBuilder Features() => new SchemaBuilder()
        .Interactions(user: "userId", item: "movieId", timestamp: "timestamp", rating: "rating")
        .Id("user", "userId", Tower.User)
        .Id("item", "movieId", Tower.Item)
        .MultiCategorical("genres", "genres", Tower.Item)
        .Text("title", "title", Tower.Item)
        .Timestamp("time", "timestamp")
        .Sequence("history", "movieId", maxLength: 50);

    static NamedDataset Csv(string name, string description, IReadOnlyList<(string, string?)> files) =>
        new(new DatasetInfo(name, Base + name + ".zip", null, files), description,
            new DataFiles { Interactions = "ratings.csv", Items = "movies.csv" }, Features, Display);

    /// <summary>
    /// ml-100k: tab-separated <c>u.data</c>; pipe-separated Latin-1 <c>u.item</c> whose 19 genre flags
    /// become <c>genres</c>; pipe-separated <c>u.user</c> with the raw age (a number), gender,
    /// occupation and zip code.
    /// </summary>
    static NamedDataset Ml100k() => new(
        new DatasetInfo("ml-100k", Base + "ml-100k.zip", null, [("u.data", null), ("u.item", null), ("u.user", null)]),
        "MovieLens 100K: 100,000 ratings of 1,682 movies by 943 users, with user age, gender, occupation and zip (1998)",
        new DataFiles
        {
            Interactions = new DataFile("u.data") { Header = false, Columns = RatingColumns, Separator = "\t" },
            Items = new DataFile("u.item")
            {
                Header = false,
                Separator = "|",
                Encoding = "latin1",
                Columns = ["movieId", "title", "release_date", "video_release_date", "imdb_url", .. Ml100kGenres],
                Flags = new Dictionary<string, IReadOnlyList<string>> { ["genres"] = Ml100kGenres },
            },
            Users = new DataFile("u.user") { Header = false, Columns = ["userId", "age", "gender", "occupation", "zip"], Separator = "|" },
        },
        () => Features()
            .Numeric("age", "age", Tower.User)
            .Categorical("gender", "gender", Tower.User)
            .Categorical("occupation", "occupation", Tower.User)
            .Categorical("zip", "zip", Tower.User, minCount: 2),
        Display);

    /// <summary>
    /// ml-1m: <c>::</c>-separated <c>ratings.dat</c>, Latin-1 <c>movies.dat</c> and <c>users.dat</c>
    /// (age as one of seven bracket codes, so categorical; occupation as a code 0 to 20).
    /// </summary>
    static NamedDataset Ml1m() => new(
        new DatasetInfo("ml-1m", Base + "ml-1m.zip", null, [("ratings.dat", null), ("movies.dat", null), ("users.dat", null)]),
        "MovieLens 1M: 1,000,209 ratings of about 3,900 movies by 6,040 users, with user gender, age bracket, occupation and zip (2003)",
        new DataFiles
        {
            Interactions = new DataFile("ratings.dat") { Header = false, Columns = RatingColumns, Separator = "::" },
            Items = new DataFile("movies.dat") { Header = false, Columns = ["movieId", "title", "genres"], Separator = "::", Encoding = "latin1" },
            Users = new DataFile("users.dat") { Header = false, Columns = ["userId", "gender", "age", "occupation", "zip"], Separator = "::" },
        },
        () => Features()
            .Categorical("gender", "gender", Tower.User)
            .Categorical("age", "age", Tower.User)
            .Categorical("occupation", "occupation", Tower.User)
            .Categorical("zip", "zip", Tower.User, minCount: 2),
        Display);
}
