using Tandem.Tests;
using Tandem.Data.Datasets;
using Tandem.Models;
using Tandem.Models.Towers;
using static Tandem.Cli.Tests.CliRun;

namespace Tandem.Cli.Tests;

/// <summary>An image feature chosen from the config: MovieLens posters (real JPEGs) through the item tower's CNN.</summary>
public sealed class ImageConfigTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-images-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void APosterFeatureTrainsFromTheConfigAndTheModelFileRebuildsIt()
    {
        string data = SharedData.Root;
        string movies = Path.Combine(data, "ml-latest-small"), posters = Path.Combine(data, "ml-latest-small-posters");
        // The first 60 users' ratings, and every movie with its poster path relative to items.csv ("" without one).
        File.WriteAllLines(Path.Combine(directory, "ratings.csv"), File.ReadLines(Path.Combine(movies, "ratings.csv"))
            .Where((line, i) => i == 0 || int.Parse(line[..line.IndexOf(',')], System.Globalization.CultureInfo.InvariantCulture) <= 60));
        Directory.CreateDirectory(Path.Combine(directory, "posters"));
        var items = new List<string> { "movieId,genres,poster" };
        int withPoster = 0;
        foreach (string line in File.ReadLines(Path.Combine(movies, "movies.csv")).Skip(1))
        {
            string id = line[..line.IndexOf(',')], genres = line[(line.LastIndexOf(',') + 1)..];
            string poster = Path.Combine(posters, id + ".jpg");
            bool has = File.Exists(poster) && withPoster < 400;
            if (has) { File.Copy(poster, Path.Combine(directory, "posters", id + ".jpg")); withPoster++; }
            items.Add($"{id},{genres},{(has ? $"posters/{id}.jpg" : "")}");
        }
        File.WriteAllLines(Path.Combine(directory, "items.csv"), items);
        File.WriteAllText(Path.Combine(directory, "schema.json"), """
            {
              "interactions": { "user": "userId", "item": "movieId", "timestamp": "timestamp" },
              "features": [
                { "name": "user", "column": "userId", "kind": "id", "tower": "user" },
                { "name": "item", "column": "movieId", "kind": "id", "tower": "item" },
                { "name": "genres", "column": "genres", "kind": "multi_categorical", "tower": "item" },
                { "name": "poster", "column": "poster", "kind": "image", "tower": "item" }
              ]
            }
            """);
        File.WriteAllText(Path.Combine(directory, "train.json"), """
            {
              "data": { "schema": "schema.json", "files": { "interactions": "ratings.csv", "items": "items.csv" } },
              "user": { "embeddingDimension": 16, "outputDimension": 16, "hidden": [] },
              "item": { "embeddingDimension": 16, "outputDimension": 16, "hidden": [], "imageSize": 16,
                        "image": { "channels": [4, 8], "dimension": 16 }, "fusion": { "maskMissing": true } },
              "training": { "epochs": 1, "batchSize": 256 }
            }
            """);
        var (code, output, error) = Run("train", "--config", Path.Combine(directory, "train.json"), "--out", Path.Combine(directory, "model"));
        Assert.True(code == 0, error);
        Assert.DoesNotContain("poster", output); // read, so not reported unused
        string path = Path.Combine(directory, "model", ModelCommands.ModelFile);

        // The file alone rebuilds the CNN (its convolutions, batch-norm statistics and projection)...
        var model = TwoTowerModel.Load(path);
        Assert.Contains(model.Item.Modules, m => m is ImageFeature);
        Assert.Contains(model.Parameters, p => p.Name == "poster.conv1.w");
        Assert.Contains(model.Buffers, b => b.Name == "poster.conv0.mean" && b.Value.Span.ContainsAnyExcept(0f));
        // ...and evaluation reads the posters again from the data.
        (code, output, error) = Run("evaluate", "--model", path);
        Assert.True(code == 0, error);
        Assert.Contains("60 users", output);
    }
}
