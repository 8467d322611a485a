using System.Net;
using System.Text.Json;
using Tandem.Models;
using Tandem.Models.Persistence;
using Tandem.Models.Ranking;

namespace Tandem.Serving.Tests;

/// <summary>The service over the trained two-tower model with the DeepFM ranker (<c>tandem serve --ranker</c>).</summary>
public sealed class RankedServiceFixture : IAsyncLifetime
{
    public RunningService Service { get; private set; } = null!;
    public async Task InitializeAsync() => Service = await RunningService.StartAsync(TrainedModel.Shared.Path, TrainedRankers.Loader(TrainedRankers.Shared.DeepFm));
    public async Task DisposeAsync() => await Service.DisposeAsync();
}

public sealed class RankerServingTests(RankedServiceFixture ranked, ServiceFixture plain) : IClassFixture<RankedServiceFixture>, IClassFixture<ServiceFixture>
{
    RunningService Service => ranked.Service;

    static string[] Ids(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    static double[] Probabilities(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("probability").GetDouble())];
    static (string Name, int Count)[] Stages(JsonElement answer) =>
        [.. answer.GetProperty("stages").EnumerateArray().Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("count").GetInt32()))];

    [Fact]
    public async Task RecommendRanksTheRetrievedCandidatesAsTheLibraryPipelineDoes()
    {
        var answer = await Service.PostOkAsync("/v1/recommend", """{ "user": "1", "k": 10 }""");
        Assert.Equal([("retrieval", 200), ("ranker", 200)], Stages(answer));
        Assert.All(answer.GetProperty("stages").EnumerateArray(), s => Assert.True(s.GetProperty("ms").GetDouble() >= 0));
        string version = answer.GetProperty("modelVersion").GetString()!;
        Assert.Matches(@"^model-[0-9a-f]{12}\+model-[0-9a-f]{12}$", version);
        var ids = Ids(answer);
        var probabilities = Probabilities(answer);
        Assert.Equal(10, ids.Length);
        Assert.Equal(probabilities.OrderDescending(), probabilities);
        Assert.All(probabilities, p => Assert.InRange(p, 0, 1));

        // The same bundle through the library, from the files alone: the same ten items with the same probabilities.
        string path = TrainedModel.Shared.Path;
        var catalogue = TwoTowerModelFile.ReadCatalogue(path)!;
        var stage = RankerStage.Load(TrainedRankers.Shared.DeepFm, TrainedModel.Shared.DataDir, TwoTowerModel.Load(path), path, catalogue.ItemKeys);
        using var index = catalogue.Index("HNSW32");
        int user = catalogue.UserOf("1");
        var library = new TwoStagePipeline(catalogue.ItemKeys, new IndexRetrieval(index), stage)
            .Recommend(catalogue.UserVector(user), "1", new PipelineOptions { Candidates = 200, K = 10, Rules = catalogue.Unseen(user) });
        Assert.Equal(library.Items.Select(r => r.Item!), ids);
        Assert.Equal(library.Items.Select(r => r.Probability!.Value), probabilities);

        // /v1/predict gives the same probabilities for the same items, in request order.
        var reversed = ids.Reverse().ToArray();
        var predicted = await Service.PostOkAsync("/v1/predict", JsonSerializer.Serialize(new { user = "1", items = reversed }));
        Assert.Equal(version, predicted.GetProperty("modelVersion").GetString());
        Assert.Equal("platt", predicted.GetProperty("calibration").GetString());
        Assert.Equal(reversed, Ids(predicted));
        Assert.Equal(probabilities.Reverse(), Probabilities(predicted));
    }

    [Fact]
    public async Task PredictGivesTheCalibratedProbabilityOfEachOfAHundredItems()
    {
        using var lease = Service.Holder.Acquire();
        var items = lease.Model.Items.Ids.Take(100).ToArray();
        var answer = await Service.PostOkAsync("/v1/predict", JsonSerializer.Serialize(new { user = "42", items }));
        Assert.Equal(items, Ids(answer));
        var ranker = RankerFile.Load(TrainedRankers.Shared.DeepFm);
        Assert.NotNull(ranker.Calibration.Platt);
        foreach (var item in answer.GetProperty("items").EnumerateArray())
        {
            float logit = item.GetProperty("logit").GetSingle();
            Assert.Equal(ranker.Calibration.Probability(logit), item.GetProperty("probability").GetDouble(), 1e-6);
        }
        // Not one constant: the ranker tells the items apart.
        Assert.True(Probabilities(answer).Distinct().Count() > 50);
    }

    [Fact]
    public async Task TheStagesSayWhatRanForDiversityFeaturesAndColdStart()
    {
        var diverse = await Service.PostOkAsync("/v1/recommend", """{ "user": "7", "k": 10, "candidates": 100, "diversity": 0.8 }""");
        Assert.Equal([("retrieval", 100), ("ranker", 100), ("diversity", 10)], Stages(diverse));
        Assert.Equal(10, Probabilities(diverse).Length);

        // Raw features without an id: the ranker has no user to score for, so retrieval answers.
        var features = await Service.PostOkAsync("/v1/recommend", """{ "features": { "history": ["1", "50"] }, "k": 5 }""");
        Assert.Equal([("retrieval", 200)], Stages(features));
        Assert.All(features.GetProperty("items").EnumerateArray(), i => Assert.False(i.TryGetProperty("probability", out _)));

        var cold = await Service.PostOkAsync("/v1/recommend", """{ "user": "no-such-user", "k": 5 }""");
        Assert.Equal("popular", cold.GetProperty("source").GetString());
        Assert.Equal([("popular", 5)], Stages(cold));

        // Without a ranker the answer reports its one stage too.
        var retrieval = await plain.Service.PostOkAsync("/v1/recommend", """{ "user": "1", "k": 5 }""");
        Assert.Equal([("retrieval", 5)], Stages(retrieval));
    }

    public static TheoryData<string, string, string, int> BadRequests => new()
    {
        { "/v1/predict", """{ "user": "1", "items": ["1", "no-such-movie", "50"] }""", "items[1]", 400 },
        { "/v1/predict", $$"""{ "user": "1", "items": [{{string.Join(", ", Enumerable.Repeat("\"1\"", 1001))}}] }""", "items", 400 },
        { "/v1/predict", """{ "user": "1", "items": [] }""", "items", 400 },
        { "/v1/predict", """{ "user": "1" }""", "items", 400 },
        { "/v1/predict", """{ "items": ["1"] }""", "user", 400 },
        { "/v1/predict", """{ "user": "1", "items": [null] }""", "items[0]", 400 },
        { "/v1/predict", """{ "user": "1", "items": ["1"], "k": 3 }""", "k", 400 },
        { "/v1/predict", """{ "user": "no-such-user", "items": ["1"] }""", "user", 404 },
        { "/v1/recommend", """{ "user": "1", "k": 10, "candidates": 5 }""", "candidates", 400 },
        { "/v1/recommend", """{ "user": "1", "candidates": 1001 }""", "candidates", 400 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInputIsAProblemDocumentNamingTheField(string path, string body, string field, int status)
    {
        using var response = await Service.PostAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith($"{field}: ", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PredictWithoutARankerIsA404NamingTheRanker()
    {
        using var response = await plain.Service.PostAsync("/v1/predict", """{ "user": "1", "items": ["1"] }""");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ranker", problem.GetProperty("field").GetString());
        Assert.Contains("--ranker", problem.GetProperty("detail").GetString());
    }
}
