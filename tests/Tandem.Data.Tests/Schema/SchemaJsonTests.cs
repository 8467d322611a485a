using Tandem.Data.IO;
using Tandem.Data.Schema;

namespace Tandem.Data.Tests.Schema;

public class SchemaJsonTests
{
    const string MovieLensConfig = """
        {
          // Comments are allowed.
          "data": { "interactions": "ratings.csv", "items": "movies.csv" },
          "interactions": { "user": "userId", "item": "movieId", "timestamp": "timestamp", "rating": "rating" },
          "weighting": { "kind": "recency", "half_life_days": 90 },
          "features": [
            { "name": "user", "column": "userId", "kind": "id", "tower": "user", "min_count": 2 },
            { "name": "item", "column": "movieId", "kind": "id", "tower": "item" },
            { "name": "genres", "column": "genres", "kind": "multi_categorical", "tower": "item", "separator": "|", "pooling": "sum" },
            { "name": "rating_z", "column": "rating", "kind": "numeric", "transform": "zscore", "missing": "impute_mean" },
            { "name": "rating_q", "column": "rating", "kind": "numeric", "transform": "quantile", "bins": 4 },
            { "name": "time", "column": "timestamp", "kind": "timestamp", "parts": ["hour_of_day", "day_of_week"] },
            { "name": "history", "column": "movieId", "kind": "sequence", "max_length": 20 },
            { "name": "title", "column": "title", "kind": "text", "tower": "item", "char_ngrams": 5, "ngram_buckets": 1000 },
            { "name": "pieces", "column": "title", "kind": "text", "tower": "item", "vocabulary_file": "vocab.txt", "max_length": 32 },
            { "name": "poster", "column": "poster", "kind": "image", "tower": "item" },
            { "name": "emb", "column": "emb", "kind": "vector", "tower": "item", "dimension": 8 },
            { "name": "bucketed", "column": "userId", "kind": "categorical", "tower": "user", "hash_buckets": 1000 }
          ]
        }
        """;

    [Fact]
    public void ParsesEveryKindAndOption()
    {
        var schema = SchemaJson.Parse(MovieLensConfig, "movielens.json", "/data");
        Assert.Equal(new InteractionColumns { User = "userId", Item = "movieId", Timestamp = "timestamp", Rating = "rating" }, schema.Interactions);
        Assert.Equal(new Weighting(WeightingKind.Recency, 90), schema.Weighting);
        Assert.Equal(new DataFile(Path.Combine("/data", "ratings.csv")), schema.Files.Interactions);
        Assert.Equal(new DataFile(Path.Combine("/data", "movies.csv")), schema.Files.Items);
        Assert.Null(schema.Files.Users);
        Assert.Equal(new FeatureSpec("user", "userId", FeatureKind.Id, Tower.User) { MinCount = 2 }, schema["user"]);
        Assert.Equal(new FeatureSpec("genres", "genres", FeatureKind.MultiCategorical, Tower.Item) { Pooling = Pooling.Sum }, schema["genres"]);
        Assert.Equal(new FeatureSpec("rating_z", "rating", FeatureKind.Numeric, Tower.Context) { Missing = MissingPolicy.ImputeMean }, schema["rating_z"]);
        Assert.Equal(new FeatureSpec("rating_q", "rating", FeatureKind.Numeric, Tower.Context) { Transform = NumericTransform.Quantile, Bins = 4 }, schema["rating_q"]);
        Assert.Equal(TimestampParts.HourOfDay | TimestampParts.DayOfWeek, schema["time"].Parts);
        Assert.Equal(Tower.Context, schema["time"].Tower);
        Assert.Equal(new FeatureSpec("history", "movieId", FeatureKind.Sequence, Tower.User) { MaxLength = 20 }, schema["history"]);
        Assert.Equal(new FeatureSpec("title", "title", FeatureKind.Text, Tower.Item) { CharNGrams = 5, NGramBuckets = 1000 }, schema["title"]);
        Assert.Equal(new FeatureSpec("pieces", "title", FeatureKind.Text, Tower.Item) { VocabularyFile = Path.Combine("/data", "vocab.txt"), MaxLength = 32 }, schema["pieces"]);
        Assert.Equal(FeatureKind.Image, schema["poster"].Kind);
        Assert.Equal(8, schema["emb"].Dimension);
        Assert.Equal(1000, schema["bucketed"].HashBuckets);
    }

    [Fact]
    public void EqualsTheFluentDeclaration()
    {
        string json = """
            { "interactions": { "user": "u", "item": "i", "timestamp": "t" },
              "features": [ { "name": "user", "column": "u", "kind": "id", "tower": "user" },
                            { "name": "h", "column": "i", "kind": "sequence", "max_length": 5 } ] }
            """;
        var a = SchemaJson.Parse(json);
        var b = new SchemaBuilder().Interactions(user: "u", item: "i", timestamp: "t").Id("user", "u", Tower.User).Sequence("h", "i", maxLength: 5).Build();
        Assert.Equal(b.Interactions, a.Interactions);
        Assert.Equal(b.Features, a.Features);
    }

    [Theory]
    [InlineData("""{ "features": [ { "name": "g", "kind": "multi" } ] }""",
        "movielens.json: feature 'g': unknown kind \"multi\"; expected one of id, categorical, multi_categorical, numeric, timestamp, sequence, text, image, vector")]
    [InlineData("""{ "features": [ { "name": "g", "kind": "id", "tower": "query" } ] }""",
        "movielens.json: feature 'g': unknown tower \"query\"; expected one of user, item, context")]
    [InlineData("""{ "features": [ { "name": "g", "kind": "id", "minimum": 3 } ] }""",
        "movielens.json: feature 'g': unknown property \"minimum\"; expected one of name, column, kind, tower, min_count, hash_buckets, separator, pooling, transform, bins, missing, parts, max_length, dimension, char_ngrams, ngram_buckets, vocabulary_file")]
    [InlineData("""{ "features": [ { "name": "g", "kind": "id", "min_count": "2" } ] }""",
        "movielens.json: feature 'g': \"min_count\" must be an integer, found \"2\"")]
    [InlineData("""{ "features": [ { "name": "v", "kind": "vector" } ] }""",
        "movielens.json: feature 'v': a vector needs \"dimension\" of at least 1, found 0")]
    [InlineData("""{ "features": [ { "name": "h", "column": "i", "kind": "sequence" } ] }""",
        "movielens.json: feature 'h': a sequence needs the interactions' timestamp column; set \"timestamp\" under \"interactions\"")]
    [InlineData("""{ "features": [ { "name": "a", "kind": "id" }, { "name": "a", "kind": "text" } ] }""",
        "movielens.json: feature 'a' is declared twice")]
    [InlineData("""{ "features": [ { "kind": "id" } ] }""",
        "movielens.json: a feature has no \"name\"")]
    [InlineData("""{ "feature": [] }""",
        "movielens.json: the config: unknown property \"feature\"; expected one of data, interactions, weighting, features")]
    [InlineData("""{ "features": [ { "name": "n", "kind": "numeric", "missing": "drop" } ] }""",
        "movielens.json: feature 'n': unknown missing \"drop\"; expected one of reject, impute_mean")]
    [InlineData("""{ "data": { "interactions": { "header": false } } }""",
        "movielens.json: \"data\": \"interactions\" has no \"path\"")]
    [InlineData("""{ "data": { "items": { "path": "u.item", "header": "no" } } }""",
        "movielens.json: \"data\": \"items\": \"header\" must be true or false, found \"no\"")]
    [InlineData("""{ "data": { "items": { "path": "u.item", "quote": "'" } } }""",
        "movielens.json: \"data\": \"items\": unknown property \"quote\"; expected one of path, header, columns, separator, encoding, flags")]
    [InlineData("""{ "data": { "users": 3 } }""",
        "movielens.json: \"data\": \"users\": expected a path or an object such as { \"path\": \"u.data\", \"header\": false, \"columns\": [...] }, found 3")]
    [InlineData("""{ "data": { "users": { "path": "u.user", "header": false, "columns": "userId" } } }""",
        "movielens.json: \"data\": \"users\": \"columns\": expected a JSON array, found string")]
    [InlineData("""{ "data": { "items": { "path": "u.item", "flags": { "genres": ["A"], "genres": ["B"] } } } }""",
        "movielens.json: \"data\": \"items\": \"flags\" names 'genres' twice")]
    public void InvalidConfigsGiveOneClearLine(string json, string message)
    {
        var e = Assert.Throws<DataException>(() => SchemaJson.Parse(json, "movielens.json"));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void DataFilesMayBeHeaderlessObjects()
    {
        var schema = SchemaJson.Parse("""
            { "data": {
                "interactions": { "path": "u.data", "header": false, "columns": ["userId", "movieId", "rating", "timestamp"], "separator": "\t" },
                "items": { "path": "u.item", "header": false, "separator": "|", "encoding": "latin1",
                           "columns": ["movieId", "title", "Action", "Comedy"], "flags": { "genres": ["Action", "Comedy"] } },
                "users": "users.csv" } }
            """, "ml.json", "/data");
        Assert.Equal(new DataFile(Path.Combine("/data", "u.data")) { Header = false, Columns = ["userId", "movieId", "rating", "timestamp"], Separator = "\t" }, schema.Files.Interactions);
        var items = schema.Files.Items!;
        Assert.Equal(Path.Combine("/data", "u.item"), items.Path);
        Assert.False(items.Header);
        Assert.Equal("|", items.Separator);
        Assert.Equal("latin1", items.Encoding);
        Assert.Equal(["movieId", "title", "Action", "Comedy"], items.Columns!);
        Assert.Equal(["Action", "Comedy"], items.Flags!["genres"]);
        Assert.Equal(new DataFile(Path.Combine("/data", "users.csv")), schema.Files.Users);
    }

    [Fact]
    public void InvalidJsonNamesTheLine()
    {
        var e = Assert.Throws<DataException>(() => SchemaJson.Parse("{\n  \"features\": [,]\n}", "bad.json"));
        Assert.StartsWith("bad.json: invalid JSON at line 2: ", e.Message);
    }

    [Fact]
    public void LoadsFromAFileAndResolvesDataPathsBesideIt()
    {
        string path = TestData.File("movielens.json", MovieLensConfig);
        var schema = SchemaJson.Load(path);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "ratings.csv"), schema.Files.Interactions!.Path);
    }

    [Fact]
    public void AConfigLoadsTheFilesItNames()
    {
        string dir = TestData.TempDir();
        File.WriteAllText(Path.Combine(dir, "ratings.csv"), "userId,movieId,rating,timestamp\n1,10,4.0,100\n2,10,3.5,200\n");
        File.WriteAllText(Path.Combine(dir, "movies.csv"), "movieId,title,genres\n10,\"Heat, The (1995)\",Action|Crime\n");
        File.WriteAllText(Path.Combine(dir, "movielens.json"), """
            { "data": { "interactions": "ratings.csv", "items": "movies.csv" },
              "interactions": { "user": "userId", "item": "movieId", "timestamp": "timestamp", "rating": "rating" },
              "features": [ { "name": "genres", "column": "genres", "kind": "multi_categorical", "tower": "item" } ] }
            """);
        var log = Tandem.Data.Tables.InteractionLog.Load(SchemaJson.Load(Path.Combine(dir, "movielens.json")));
        Assert.Equal(2, log.Count);
        Assert.Equal([4f, 3.5f], log.Ratings!);
        Assert.Equal(2, log.Items!.Get<Tandem.Data.Tables.BagColumn>("genres").Keys.Count);

        var none = SchemaJson.Parse("""{ "interactions": { "user": "u" } }""");
        var e = Assert.Throws<DataException>(() => Tandem.Data.Tables.InteractionLog.Load(none));
        Assert.Equal("config: no interactions file; set \"interactions\" under \"data\"", e.Message);
    }
}
