using Tandem.Tests;
using Tandem.Data.IO;
using Tandem.Data.Datasets;

namespace Tandem.Serving.Tests;

/// <summary>
/// A model trained by <c>tandem train</c> from a schema file over CSV files whose ids are strings:
/// the ratings of ml-latest-small users 1 to 120 with user 7 written "u7" and movie 318 "m318",
/// and an items.csv (item, title, genres) of every movie. Trained once, shared by the assembly.
/// </summary>
public sealed class StringIdModel
{
    static readonly Lazy<StringIdModel> shared = new(() => new StringIdModel());

    /// <summary>The model (trained on first use; its directory is deleted when the test process exits).</summary>
    public static StringIdModel Shared => shared.Value;

    StringIdModel()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(Directory, recursive: true);
        string data = System.IO.Path.Combine(SharedData.Root, "ml-latest-small");
        using (var movies = new CsvRowReader(System.IO.Path.Combine(data, "movies.csv")))
        using (var items = new StreamWriter(InDir("items.csv")))
        {
            items.WriteLine("item,title,genres");
            while (movies.Read())
            {
                string id = $"m{movies[0]}", title = movies[1].ToString(), genres = movies[2].ToString();
                Titles[id] = title;
                Genres[id] = genres.Split('|');
                items.WriteLine($"{id},\"{title.Replace("\"", "\"\"")}\",{genres}");
            }
        }
        using (var ratings = new CsvRowReader(System.IO.Path.Combine(data, "ratings.csv")))
        using (var interactions = new StreamWriter(InDir("interactions.csv")))
        {
            interactions.WriteLine("user,item,timestamp");
            while (ratings.Read())
                if (int.Parse(ratings[0], provider: System.Globalization.CultureInfo.InvariantCulture) <= 120)
                    interactions.WriteLine($"u{ratings[0]},m{ratings[1]},{ratings[3]}");
        }
        File.WriteAllText(InDir("schema.json"), """
            {
              "interactions": { "user": "user", "item": "item", "timestamp": "timestamp" },
              "features": [
                { "name": "user", "column": "user", "kind": "id", "tower": "user" },
                { "name": "item", "column": "item", "kind": "id", "tower": "item" },
                { "name": "genres", "column": "genres", "kind": "multi_categorical", "tower": "item", "separator": "|" },
                { "name": "history", "column": "item", "kind": "sequence", "max_length": 50 },
                { "name": "time", "column": "timestamp", "kind": "timestamp" }
              ]
            }
            """);
        File.WriteAllText(InDir("train.json"), """
            {
              "data": { "schema": "schema.json", "files": { "interactions": "interactions.csv", "items": "items.csv" } },
              "user": { "embeddingDimension": 32, "outputDimension": 32 },
              "item": { "embeddingDimension": 32, "outputDimension": 32 },
              "training": { "epochs": 1 }
            }
            """);
        var error = new StringWriter();
        int code = Cli.Cli.Run(["train", "--config", InDir("train.json"), "--out", Directory], new StringWriter(), error);
        if (code != 0) throw new InvalidOperationException($"tandem train failed: {error}");
        // The model file alone serves: the training data is gone; only items.csv remains, for display fields.
        File.Delete(InDir("interactions.csv"));
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("tandem-serving-strings-").FullName;
    public string Path => InDir("model.tandem");
    /// <summary>Each item's title as written to items.csv.</summary>
    public Dictionary<string, string> Titles { get; } = new(StringComparer.Ordinal);
    /// <summary>Each item's genres as written to items.csv.</summary>
    public Dictionary<string, string[]> Genres { get; } = new(StringComparer.Ordinal);

    string InDir(string name) => System.IO.Path.Combine(Directory, name);
}
