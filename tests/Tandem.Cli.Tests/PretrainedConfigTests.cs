using Tandem.Data.Datasets;
using Tandem.Models;
using Tandem.Models.Persistence;
using Tandem.Models.Towers;
using Tandem.Retrieval.Formats;
using static Tandem.Cli.Tests.CliRun;

namespace Tandem.Cli.Tests;

/// <summary>Pretrained encoders chosen from the config and from <c>tandem embed</c>, on MovieLens titles and posters.</summary>
public sealed class PretrainedConfigTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-pretrained-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>The first 15 users' ratings; their movies with titles and, for 24 of them, posters (relative paths).</summary>
    void WriteData()
    {
        string data = DataDirectory.Resolve(null) ?? throw new InvalidOperationException("shared datasets not found beside the repository");
        string movies = Path.Combine(data, "ml-latest-small"), posters = Path.Combine(data, "ml-latest-small-posters");
        var ratings = File.ReadLines(Path.Combine(movies, "ratings.csv"))
            .Where((line, i) => i == 0 || int.Parse(line[..line.IndexOf(',')], System.Globalization.CultureInfo.InvariantCulture) <= 15).ToArray();
        File.WriteAllLines(Path.Combine(directory, "ratings.csv"), ratings);
        var rated = ratings.Skip(1).Select(l => l.Split(',')[1]).ToHashSet();
        Directory.CreateDirectory(Path.Combine(directory, "posters"));
        var items = new List<string> { "movieId,title,poster" };
        int withPoster = 0;
        using var reader = Tandem.Data.IO.RowReaders.Open(Path.Combine(movies, "movies.csv"));
        while (reader.Read())
        {
            string id = reader[0].ToString(), title = reader[1].ToString().Replace("\"", "\"\"");
            if (!rated.Contains(id)) continue;
            string poster = Path.Combine(posters, id + ".jpg");
            bool has = File.Exists(poster) && withPoster < 24;
            if (has) { File.Copy(poster, Path.Combine(directory, "posters", id + ".jpg")); withPoster++; }
            items.Add($"{id},\"{title}\",{(has ? $"posters/{id}.jpg" : "")}");
        }
        File.WriteAllLines(Path.Combine(directory, "items.csv"), items);
    }

    [Fact]
    public void PretrainedTitleAndPosterFeaturesTrainFromTheConfigAndTheCacheSkipsEncodingAfterwards()
    {
        WriteData();
        File.WriteAllText(Path.Combine(directory, "schema.json"), """
            {
              "interactions": { "user": "userId", "item": "movieId", "timestamp": "timestamp" },
              "features": [
                { "name": "user", "column": "userId", "kind": "id", "tower": "user" },
                { "name": "item", "column": "movieId", "kind": "id", "tower": "item" },
                { "name": "title", "column": "title", "kind": "text", "tower": "item" },
                { "name": "poster", "column": "poster", "kind": "image", "tower": "item" }
              ]
            }
            """);
        File.WriteAllText(Path.Combine(directory, "train.json"), """
            {
              "data": { "schema": "schema.json", "files": { "interactions": "ratings.csv", "items": "items.csv" } },
              "user": { "embeddingDimension": 16, "outputDimension": 16, "hidden": [] },
              "item": { "embeddingDimension": 16, "outputDimension": 16, "hidden": [32],
                        "encoders": { "title": "minilm", "poster": "resnet18" }, "fusion": { "maskMissing": true } },
              "training": { "epochs": 1, "batchSize": 256 }
            }
            """);
        var (code, output, error) = Run("train", "--config", Path.Combine(directory, "train.json"), "--out", Path.Combine(directory, "model"));
        Assert.True(code == 0, error);
        Assert.Contains("values with minilm", output);
        Assert.Contains("Encoded 24 values with resnet18", output);
        string path = Path.Combine(directory, "model", ModelCommands.ModelFile);

        // The model reads both through frozen vectors under trainable heads (MiniLM 384-d, ResNet18 512-d), fused with the id.
        var (recipe, _) = TwoTowerModelFile.ReadRecipe(path);
        Assert.Equal("minilm", recipe.Item.Encoders!["title"]);
        var model = ModelFiles.LoadWithData(path, null, TextWriter.Null).Model;
        var heads = model.Item.Modules.OfType<PretrainedFeature>().ToDictionary(m => m.Spec.Name, m => m.EncoderWidth);
        Assert.Equal(384, heads["title"]);
        Assert.Equal(512, heads["poster"]);
        Assert.Contains(model.Item.Modules, m => m is IdEmbedding);

        // Evaluation reads the cached vectors: nothing is encoded again.
        (code, output, error) = Run("evaluate", "--model", path);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("Encoding", output);
        Assert.Contains("minilm vectors from", output);
        Assert.Contains("15 users", output);
    }

    [Fact]
    public void AnEncoderOnAFeatureTheTowerDoesNotReadIsOneLine()
    {
        WriteData();
        File.WriteAllText(Path.Combine(directory, "schema.json"), """
            {
              "interactions": { "user": "userId", "item": "movieId", "timestamp": "timestamp" },
              "features": [
                { "name": "user", "column": "userId", "kind": "id", "tower": "user" },
                { "name": "item", "column": "movieId", "kind": "id", "tower": "item" }
              ]
            }
            """);
        File.WriteAllText(Path.Combine(directory, "train.json"), """
            { "data": { "schema": "schema.json", "files": { "interactions": "ratings.csv", "items": "items.csv" } },
              "item": { "encoders": { "item": "minilm" } } }
            """);
        var (code, _, error) = Run("train", "--config", Path.Combine(directory, "train.json"), "--out", Path.Combine(directory, "model"));
        Assert.Equal(1, code);
        Assert.StartsWith("tandem: item.encoders names 'item' (\"minilm\"), which is not a text or image feature", error);
    }

    [Fact]
    public void EmbedWritesNpyMatricesAndASecondRunReadsTheCache()
    {
        WriteData();
        string titles = Path.Combine(directory, "titles.npy");
        var (code, output, error) = Run("embed", "--encoder", "minilm", "--text", Path.Combine(directory, "items.csv") + ":title", "--out", titles);
        Assert.True(code == 0, error);
        var vectors = Npy.Read(titles);
        int rows = File.ReadAllLines(Path.Combine(directory, "items.csv")).Length - 1;
        Assert.Equal((rows, 384), (vectors.Rows, vectors.Dimension));
        Assert.Equal(1.0, Math.Sqrt(vectors.Row(0).ToArray().Sum(x => (double)x * x)), 4); // MiniLM's vectors are unit length
        (code, output, error) = Run("embed", "--encoder", "minilm", "--text", Path.Combine(directory, "items.csv") + ":title", "--out", titles);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("Encoding", output);
        Assert.Equal(vectors.Data, Npy.Read(titles).Data);

        string posters = Path.Combine(directory, "posters.npy");
        (code, output, error) = Run("embed", "--encoder", "resnet18", "--images", Path.Combine(directory, "posters"), "--out", posters);
        Assert.True(code == 0, error);
        Assert.Equal((24, 512), (Npy.Read(posters).Rows, Npy.Read(posters).Dimension));
        Assert.Equal(24, File.ReadAllLines(Path.ChangeExtension(posters, ".txt")).Length);

        // An undecodable image is one line naming it; so is an image encoder asked for text.
        File.WriteAllText(Path.Combine(directory, "posters", "zz-broken.jpg"), "not a jpeg");
        (code, _, error) = Run("embed", "--encoder", "resnet18", "--images", Path.Combine(directory, "posters"), "--out", posters);
        Assert.Equal(1, code);
        Assert.Contains("zz-broken.jpg", error);
        Assert.Single(error.Trim().Split('\n'));
        (code, _, error) = Run("embed", "--encoder", "resnet18", "--text", Path.Combine(directory, "items.csv") + ":title", "--out", titles);
        Assert.Equal(1, code);
        Assert.StartsWith("tandem: --encoder resnet18 embeds images", error);
    }
}
