using Tandem.Tests;
using Tandem.Data.Datasets;
using Tandem.Models;
using Tandem.Models.Recipes;

namespace Tandem.Onnx.Tests;

/// <summary>
/// ml-latest-small read once for every test, with a schema that has a feature of each kind the
/// towers encode: ids, a hashed categorical (the movie id), multi-categorical bags (genres, mean- and sum-pooled), text
/// (title words), a timestamp (hour, day, age), a z-scored numeric (the rating, context) and a
/// quantile numeric (the rating's time), and the user's history.
/// </summary>
sealed class MovieLensData
{
    static readonly Lazy<MovieLensData> shared = new(() => new MovieLensData());

    public static MovieLensData Shared => shared.Value;

    MovieLensData()
    {
        string data = Path.Combine(SharedData.Root, "ml-latest-small");
        Directory.CreateDirectory(Folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(Folder, recursive: true);
        string schema = Path.Combine(Folder, "schema.json");
        File.WriteAllText(schema, $$"""
            {
              "data": { "interactions": "{{Path.Combine(data, "ratings.csv")}}", "items": "{{Path.Combine(data, "movies.csv")}}" },
              "interactions": { "user": "userId", "item": "movieId", "timestamp": "timestamp", "rating": "rating" },
              "features": [
                { "name": "user", "column": "userId", "kind": "id", "tower": "user" },
                { "name": "item", "column": "movieId", "kind": "id", "tower": "item" },
                { "name": "item_hash", "column": "movieId", "kind": "categorical", "tower": "item", "hash_buckets": 4096 },
                { "name": "genres", "column": "genres", "kind": "multi_categorical", "tower": "item", "separator": "|", "pooling": "mean" },
                { "name": "genre_sum", "column": "genres", "kind": "multi_categorical", "tower": "item", "separator": "|", "pooling": "sum" },
                { "name": "title", "column": "title", "kind": "text", "tower": "item" },
                { "name": "time", "column": "timestamp", "kind": "timestamp" },
                { "name": "rating", "column": "rating", "kind": "numeric", "transform": "z_score" },
                { "name": "when", "column": "timestamp", "kind": "numeric", "transform": "quantile", "bins": 16 },
                { "name": "history", "column": "movieId", "kind": "sequence", "max_length": 50 }
              ]
            }
            """);
        Recipe = new ModelRecipe { Data = new DataRecipe { Schema = schema } };
        Data = ModelData.Load(Recipe, null);
    }

    /// <summary>A temporary folder for this test run.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "tandem-onnx-" + Guid.NewGuid().ToString("N"));

    public ModelRecipe Recipe { get; }

    public ModelData Data { get; }
}
