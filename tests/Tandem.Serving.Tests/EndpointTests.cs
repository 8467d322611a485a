using System.Globalization;
using System.Net;
using System.Numerics.Tensors;
using System.Text.Json;

namespace Tandem.Serving.Tests;

/// <summary>One service over the trained model, shared by a test class.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public RunningService Service { get; private set; } = null!;
    public async Task InitializeAsync() => Service = await RunningService.StartAsync(TrainedModel.Shared.Path, TrainedModel.Shared.Loader());
    public async Task DisposeAsync() => await Service.DisposeAsync();
}

public sealed class EndpointTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    RunningService Service => fixture.Service;

    static string[] Ids(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    static float[] Scores(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("score").GetSingle())];

    [Fact]
    public async Task EveryEndpointAnswersFromTheModel()
    {
        using var lease = Service.Holder.Acquire();
        var served = lease.Model;

        // Recommend for a known user: K unseen items, best first, with the fields of movies.csv (title, genres).
        var byUser = await Service.PostOkAsync("/v1/recommend", """{ "user": "1", "k": 5 }""");
        Assert.Equal("user", byUser.GetProperty("source").GetString());
        Assert.Equal(served.Version, byUser.GetProperty("modelVersion").GetString());
        var ids = Ids(byUser);
        Assert.Equal(5, ids.Length);
        var scores = Scores(byUser);
        Assert.Equal(scores.OrderDescending(), scores);
        var seen = served.Users.Seen(served.Users.RowOf("1"));
        Assert.All(ids, id => Assert.True(Array.BinarySearch(seen, served.Items.RowOf(id)) < 0, $"item {id} was seen in training"));
        Assert.All(byUser.GetProperty("items").EnumerateArray(), i => Assert.False(string.IsNullOrEmpty(i.GetProperty("fields").GetProperty("title").GetString())));
        // Toy Story's row of movies.csv, as written in an answer's fields.
        var toyStory = (await Service.PostOkAsync("/v1/recommend", """{ "user": "1", "excludeSeen": false, "filter": { "ids": ["1"] } }""")).GetProperty("items")[0];
        Assert.Equal("""{"title":"Toy Story (1995)","genres":["Adventure","Animation","Children","Comedy","Fantasy"]}""", toyStory.GetProperty("fields").GetRawText());
        // The scores are the inner products of the user's and the items' embeddings.
        var user = await Service.PostOkAsync("/v1/embed/user", """{ "user": "1" }""");
        var userVector = user.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(served.Users.Dimension, userVector.Length);
        var items = await Service.PostOkAsync("/v1/embed/item", $$"""{ "items": ["{{ids[0]}}", "{{ids[4]}}"] }""");
        var first = items.GetProperty("items")[0].GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(scores[0], TensorPrimitives.Dot(userVector, first), 1e-5f);
        var scored = await Service.PostOkAsync("/v1/score", $$"""{ "user": "1", "items": ["{{ids[0]}}", "{{ids[4]}}"] }""");
        Assert.False(scored.GetProperty("calibrated").GetBoolean());
        Assert.Contains("tandem calibrate", scored.GetProperty("note").GetString());
        Assert.Equal(scores[0], scored.GetProperty("items")[0].GetProperty("score").GetSingle(), 1e-5f);
        Assert.Equal(scores[4], scored.GetProperty("items")[1].GetProperty("score").GetSingle(), 1e-5f);
        Assert.False(scored.GetProperty("items")[0].TryGetProperty("probability", out _));

        // Without excludeSeen the seen items compete too, so the best score can only rise.
        var withSeen = await Service.PostOkAsync("/v1/recommend", """{ "user": "1", "k": 5, "excludeSeen": false }""");
        Assert.True(Scores(withSeen)[0] >= scores[0]);

        // Similar items: never the item itself, nearest first.
        var similar = await Service.PostOkAsync("/v1/similar-items", """{ "item": "1", "k": 4 }""");
        Assert.Equal("item", similar.GetProperty("source").GetString());
        Assert.Equal(4, Ids(similar).Length);
        Assert.DoesNotContain("1", Ids(similar));
        Assert.Equal(Scores(similar).OrderDescending(), Scores(similar));

        // A new user described by features: the tower's embedding, and the history's items are not recommended.
        var byFeatures = await Service.PostOkAsync("/v1/recommend", """{ "user": "new-user", "features": { "history": ["1", "50", "318"] }, "k": 10 }""");
        Assert.Equal("features", byFeatures.GetProperty("source").GetString());
        Assert.Empty(Ids(byFeatures).Intersect(["1", "50", "318"]));
        var featureVector = (await Service.PostOkAsync("/v1/embed/user", """{ "features": { "history": ["1", "50", "318"] }, "user": "new-user" }"""))
            .GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(1, TensorPrimitives.Norm(featureVector), 1e-4f);

        // Cold start: an unknown user without features gets the most popular items, most popular first.
        var cold = await Service.PostOkAsync("/v1/recommend", """{ "user": "no-such-user", "k": 3 }""");
        Assert.Equal("popular", cold.GetProperty("source").GetString());
        Assert.Equal(served.Popular.Take(3).Select(row => served.Items.Ids[row]), Ids(cold));
        Assert.Equal(1f, Scores(cold)[0]);

        var health = await Service.GetJsonAsync("/healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(served.Items.Count, health.GetProperty("indexSize").GetInt64());
        Assert.Equal(610, health.GetProperty("users").GetInt32());

        string metrics = await Service.Client.GetStringAsync("/metrics");
        Assert.Matches("""tandem_requests_total\{[^}]*code="200",endpoint="recommend"\} [1-9]""", metrics);
        Assert.Matches("""tandem_request_duration_seconds_count\{[^}]*endpoint="similar-items"\} [1-9]""", metrics);
        Assert.Matches("""tandem_request_duration_seconds_bucket\{[^}]*endpoint="recommend",le="0.0032"\}""", metrics);
        Assert.Matches("""tandem_embedding_cache_total\{[^}]*layer="memory",result="miss"\} [1-9]""", metrics);
        Assert.Matches("""tandem_embedding_cache_total\{[^}]*layer="memory",result="hit"\} [1-9]""", metrics);
        Assert.Matches($$"""tandem_index_items\{[^}]*\} {{served.Items.Count}}\n""", metrics);
        Assert.Matches($$"""tandem_model_info\{[^}]*version="{{served.Version}}"\} 1\n""", metrics);

        var openApi = await Service.GetJsonAsync("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (string path in new[] { "/v1/recommend", "/v1/similar-items", "/v1/score", "/v1/embed/user", "/v1/embed/item", "/healthz", "/admin/reload" })
            Assert.True(paths.TryGetProperty(path, out _), $"the OpenAPI document lacks {path}");
        Assert.True(openApi.GetProperty("components").GetProperty("schemas").TryGetProperty("RecommendRequest", out _));
        // Item fields are a string or a list of strings each.
        var fields = openApi.GetProperty("components").GetProperty("schemas").GetProperty("ItemDisplay");
        Assert.Equal("object", fields.GetProperty("type").GetString());
        Assert.Equal(["string", "array"], fields.GetProperty("additionalProperties").GetProperty("oneOf").EnumerateArray().Select(s => s.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task FiltersExclusionsAndDiversityShapeTheAnswer()
    {
        using var lease = Service.Holder.Acquire();
        var items = lease.Model.Items;
        var comedies = await Service.PostOkAsync("/v1/recommend", """{ "user": "7", "k": 20, "filter": { "fields": { "genres": ["Comedy", "Horror"] } } }""");
        Assert.Equal(20, Ids(comedies).Length);
        Assert.All(comedies.GetProperty("items").EnumerateArray(), i =>
            Assert.True(i.GetProperty("fields").GetProperty("genres").EnumerateArray().Any(g => g.GetString() is "Comedy" or "Horror"), i.ToString()));

        var plain = Ids(await Service.PostOkAsync("/v1/recommend", """{ "user": "7", "k": 10 }"""));
        string[] allowed = [plain[9], plain[3], "2", "3"];
        var only = await Service.PostOkAsync("/v1/recommend", $$"""{ "user": "7", "k": 10, "excludeSeen": false, "filter": { "ids": {{JsonSerializer.Serialize(allowed)}} } }""");
        Assert.Equal(4, Ids(only).Length);
        Assert.Equal(allowed.Order(), Ids(only).Order());
        var excluded = Ids(await Service.PostOkAsync("/v1/recommend", $$"""{ "user": "7", "k": 10, "exclude": ["{{plain[0]}}", "{{plain[1]}}"] }"""));
        Assert.Equal(plain[2..], excluded[..8]);

        // Maximal marginal relevance: K items still, the most relevant first, and less similar to each other than the plain top K.
        var diverse = Ids(await Service.PostOkAsync("/v1/recommend", """{ "user": "7", "k": 10, "diversity": 0.7 }"""));
        Assert.Equal(10, diverse.Length);
        Assert.Equal(plain[0], diverse[0]);
        Assert.NotEqual(plain, diverse);
        Assert.True(MeanSimilarity(diverse) < MeanSimilarity(plain), $"{MeanSimilarity(diverse)} vs {MeanSimilarity(plain)}");

        var coldComedies = await Service.PostOkAsync("/v1/recommend", """{ "user": "nobody", "k": 5, "filter": { "fields": { "genres": ["Documentary"] } } }""");
        Assert.Equal(5, Ids(coldComedies).Length);
        Assert.All(coldComedies.GetProperty("items").EnumerateArray(), i => Assert.Contains("Documentary", i.GetProperty("fields").GetProperty("genres").EnumerateArray().Select(g => g.GetString())));

        float MeanSimilarity(string[] ids)
        {
            var rows = ids.Select(items.RowOf).ToArray();
            float sum = 0;
            for (int a = 0; a < rows.Length; a++)
                for (int b = a + 1; b < rows.Length; b++) sum += TensorPrimitives.Dot(items.Vector(rows[a]), items.Vector(rows[b]));
            return sum / (rows.Length * (rows.Length - 1) / 2);
        }
    }

    public static TheoryData<string, string, string, int> BadRequests => new()
    {
        { "/v1/recommend", """{ "user": "1", """, "body", 400 },
        { "/v1/recommend", """[1, 2]""", "body", 400 },
        { "/v1/recommend", """null""", "body", 400 },
        { "/v1/recommend", """{ "user": "1", "colour": "red" }""", "colour", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "genre": ["Drama"] } }""", "filter.genre", 400 },
        { "/v1/recommend", """{ "user": "1", "k": 0 }""", "k", 400 },
        { "/v1/recommend", """{ "user": "1", "k": 1001 }""", "k", 400 },
        { "/v1/recommend", """{ "user": "1", "k": "ten" }""", "k", 400 },
        { "/v1/recommend", """{ "user": "1", "k": 2.5 }""", "k", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "ids": ["1", "99999999"] } }""", "filter.ids[1]", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "ids": ["toy story"] } }""", "filter.ids[0]", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "fields": { "genres": ["Cooking"] } } }""", "filter.fields.genres[0]", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "fields": { "genres": [] } } }""", "filter.fields.genres", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "fields": { "colour": ["red"] } } }""", "filter.fields.colour", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "fields": { "genres": "Drama" } } }""", "filter.fields.genres", 400 },
        { "/v1/recommend", """{ "user": "1", "filter": { "genres": ["Drama"] } }""", "filter.genres", 400 },
        { "/v1/recommend", """{ "user": "1", "exclude": ["0"] }""", "exclude[0]", 400 },
        { "/v1/recommend", """{ "user": "1", "diversity": 1.5 }""", "diversity", 400 },
        { "/v1/recommend", """{ "k": 5 }""", "user", 400 },
        { "/v1/recommend", """{ "features": { "history": ["1", "nope"] } }""", "features.history[1]", 400 },
        { "/v1/recommend", """{ "features": { "age": ["30"] } }""", "features.age", 400 },
        { "/v1/recommend", """{ "context": { "device": ["phone"] }, "user": "1" }""", "context.device", 400 },
        { "/v1/recommend", """{ "features": { "history": "1" } }""", "features.history", 400 },
        { "/v1/similar-items", """{ "k": 3 }""", "item", 400 },
        { "/v1/similar-items", """{ "item": "99999999" }""", "item", 404 },
        { "/v1/similar-items", """{ "item": "1", "k": -1 }""", "k", 400 },
        { "/v1/score", """{ "user": "1" }""", "items", 400 },
        { "/v1/score", """{ "user": "1", "items": [] }""", "items", 400 },
        { "/v1/score", """{ "user": "1", "items": ["1", "99999999"] }""", "items[1]", 400 },
        { "/v1/score", """{ "user": "stranger", "items": ["1"] }""", "user", 404 },
        { "/v1/embed/user", """{ "user": "stranger" }""", "user", 404 },
        { "/v1/embed/user", """{ }""", "user", 400 },
        { "/v1/embed/item", """{ "items": ["1", "x"] }""", "items[1]", 400 },
        { "/v1/embed/item", """{ "item": ["1"] }""", "item", 400 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequestsGetAProblemDocumentNamingTheField(string path, string body, string field, int status)
    {
        using var response = await Service.PostAsync(path, body);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith($"{field}: ", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OversizedBodiesAreRejectedWithAProblemDocument()
    {
        // 64 KiB is the default limit: 20,000 ids of 4 bytes and more.
        string body = $$"""{ "user": "1", "exclude": [{{string.Join(',', Enumerable.Repeat("\"1\"", 20_000))}}] }""";
        using var response = await Service.PostAsync("/v1/recommend", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("body", problem.GetProperty("field").GetString());
        Assert.Contains("65536", problem.GetProperty("detail").GetString());

        // Without a Content-Length (chunked), the limit is enforced while reading. HttpClient gives up on a response that
        // arrives before its upload ends, so this one is sent over a plain socket.
        var uri = Service.Client.BaseAddress!;
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(uri.Host, uri.Port);
        var stream = socket.GetStream();
        byte[] payload = System.Text.Encoding.UTF8.GetBytes(body);
        string head = $"POST /v1/recommend HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{payload.Length:X}\r\n";
        try
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(payload);
            await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray());
        }
        catch (IOException) { } // the server may answer and close before reading everything
        string reply = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400", reply);
        Assert.Contains("application/problem+json", reply);
        Assert.Contains("\"field\":\"body\"", reply);
    }

    [Fact]
    public async Task AdminReloadNeedsTheConfiguredKey()
    {
        using var none = await Service.PostAsync("/admin/reload", "{}");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        var wrong = new HttpRequestMessage(HttpMethod.Post, "/admin/reload") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        wrong.Headers.Add(TandemService.AdminKeyHeader, "not-the-key");
        using var answer = await Service.Client.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }
}
