using System.Globalization;
using Tandem.Cli;
using Tandem.Retrieval.Formats;

namespace Tandem.Serving.Tests;

/// <summary>Serving an index built apart from the model (as the load benchmark's million synthetic items are).</summary>
public sealed class ExternalIndexTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-external-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string Vectors(string name, int rows, int dimension)
    {
        var rng = new Random(3);
        var data = new float[rows * dimension];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        string path = Path.Combine(directory, name);
        VectorFile.Write(path, new VectorSet(data, rows, dimension));
        return path;
    }

    string Index(string vectors, string name)
    {
        string path = Path.Combine(directory, name);
        var error = new StringWriter();
        Assert.True(Cli.Cli.Run(["index", "build", "--vectors", vectors, "--spec", "HNSW16", "--first-id", "1000000", "--out", path], new StringWriter(), error) == 0, error.ToString());
        return path;
    }

    [Fact]
    public async Task AnIndexOfOtherItemsIsSearchedWithTheModelsUserEmbeddings()
    {
        var model = TrainedModel.Shared;
        string index = Index(Vectors("items.npy", 3000, 64), "items.idx");
        await using var service = await RunningService.StartAsync(model.Path, model.Loader(index));
        var health = await service.GetJsonAsync("/healthz");
        Assert.Equal(3000, health.GetProperty("indexSize").GetInt64());

        var answer = await service.PostOkAsync("/v1/recommend", """{ "user": "5", "k": 10 }""");
        var items = answer.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(10, items.Length);
        // --first-id keeps the synthetic ids clear of movieIds, so no movie's fields are attached to them.
        Assert.All(items, i => Assert.InRange(long.Parse(i.GetProperty("id").GetString()!, CultureInfo.InvariantCulture), 1_000_000, 1_002_999));
        Assert.All(items, i => Assert.False(i.TryGetProperty("fields", out _)));
        // Known users' seen items are catalogue items, so none is among these.
        var filtered = await service.PostOkAsync("/v1/recommend", """{ "user": "5", "k": 10, "exclude": ["1"] }""");
        Assert.Equal(items.Select(i => i.GetProperty("id").GetString()), filtered.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public void AnIndexOfTheWrongWidthIsRefusedWithOneLine()
    {
        var model = TrainedModel.Shared;
        string index = Index(Vectors("narrow.npy", 100, 8), "narrow.idx");
        var e = Assert.Throws<ArgumentException>(() => model.Loader(index).Load(model.Path));
        Assert.Contains("8-d vectors but the model's embeddings are 64-d", e.Message);
    }
}
