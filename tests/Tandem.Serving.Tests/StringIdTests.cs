using System.Text.Json;
using Tandem.Cli;

namespace Tandem.Serving.Tests;

/// <summary>One service over the string-id model, shared by a test class.</summary>
public sealed class StringIdFixture : IAsyncLifetime
{
    public RunningService Service { get; private set; } = null!;
    public async Task InitializeAsync() => Service = await RunningService.StartAsync(StringIdModel.Shared.Path, new ServingLoader(null, null));
    public async Task DisposeAsync() => await Service.DisposeAsync();
}

/// <summary>A model trained from a schema whose ids are strings ("u7", "m318"), served with the display fields of its items.csv.</summary>
public sealed class StringIdTests(StringIdFixture fixture) : IClassFixture<StringIdFixture>
{
    RunningService Service => fixture.Service;
    static StringIdModel Model => StringIdModel.Shared;

    static JsonElement[] Items(JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray()];
    static string[] Ids(JsonElement answer) => [.. Items(answer).Select(i => i.GetProperty("id").GetString()!)];

    /// <summary>Every item carries the title and genres items.csv gives it, and nothing else.</summary>
    static void AssertFieldsFromItemsCsv(JsonElement item)
    {
        string id = item.GetProperty("id").GetString()!;
        var fields = item.GetProperty("fields");
        Assert.Equal(Model.Titles[id], fields.GetProperty("title").GetString());
        Assert.Equal(Model.Genres[id], fields.GetProperty("genres").EnumerateArray().Select(g => g.GetString()!));
        Assert.Equal(["title", "genres"], fields.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task RecommendsStringIdsWithTheFieldsOfItemsCsv()
    {
        using var lease = Service.Holder.Acquire();
        var served = lease.Model;
        Assert.All(served.Items.Ids, id => Assert.StartsWith("m", id));

        var byUser = await Service.PostOkAsync("/v1/recommend", """{ "user": "u7", "k": 10 }""");
        Assert.Equal("user", byUser.GetProperty("source").GetString());
        var ids = Ids(byUser);
        Assert.Equal(10, ids.Length);
        Assert.All(Items(byUser), AssertFieldsFromItemsCsv);
        var seen = served.Users.Seen(served.Users.RowOf("u7")).Select(row => served.Items.Ids[row]).ToHashSet();
        Assert.True(seen.Count > 0);
        Assert.Empty(ids.Intersect(seen));

        // Seen items come back only when asked for, under their string ids.
        var withSeen = Ids(await Service.PostOkAsync("/v1/recommend", """{ "user": "u7", "k": 200, "excludeSeen": false }"""));
        Assert.NotEmpty(withSeen.Intersect(seen));

        // A history of string ids: the tower's embedding, and the history's items left out.
        var byHistory = await Service.PostOkAsync("/v1/recommend", """{ "features": { "history": ["m1", "m260", "m1196"] }, "k": 10 }""");
        Assert.Equal("features", byHistory.GetProperty("source").GetString());
        Assert.Empty(Ids(byHistory).Intersect(["m1", "m260", "m1196"]));

        // Filters, exclusions and similar items by string id, and a filter on a named field.
        var comedies = await Service.PostOkAsync("/v1/recommend", """{ "user": "u7", "k": 15, "filter": { "fields": { "genres": ["Comedy"] } } }""");
        Assert.Equal(15, Ids(comedies).Length);
        Assert.All(Items(comedies), i => Assert.Contains("Comedy", Model.Genres[i.GetProperty("id").GetString()!]));
        var titled = await Service.PostOkAsync("/v1/recommend", """{ "user": "u7", "excludeSeen": false, "filter": { "fields": { "title": ["Heat (1995)", "Casino (1995)"] } } }""");
        Assert.Equal(["Casino (1995)", "Heat (1995)"], Items(titled).Select(i => i.GetProperty("fields").GetProperty("title").GetString()).Order());
        string[] allowed = [ids[5], ids[2], "m1"];
        var only = await Service.PostOkAsync("/v1/recommend", $$"""{ "user": "u7", "excludeSeen": false, "filter": { "ids": {{JsonSerializer.Serialize(allowed)}} } }""");
        Assert.Equal(allowed.Order(), Ids(only).Order());
        var excluded = Ids(await Service.PostOkAsync("/v1/recommend", $$"""{ "user": "u7", "k": 10, "exclude": ["{{ids[0]}}"] }"""));
        // HNSW is approximate, so the rest of the list may shift a little; the excluded item is never in it.
        Assert.Equal(10, excluded.Length);
        Assert.DoesNotContain(ids[0], excluded);
        var similar = await Service.PostOkAsync("/v1/similar-items", """{ "item": "m318", "k": 5 }""");
        Assert.Equal(5, Ids(similar).Length);
        Assert.DoesNotContain("m318", Ids(similar));
        Assert.All(Items(similar), AssertFieldsFromItemsCsv);

        var scored = await Service.PostOkAsync("/v1/score", """{ "user": "u7", "items": ["m318", "m1"] }""");
        Assert.Equal(["m318", "m1"], Items(scored).Select(i => i.GetProperty("id").GetString()));
        var vectors = await Service.PostOkAsync("/v1/embed/item", """{ "items": ["m318"] }""");
        Assert.Equal(32, vectors.GetProperty("items")[0].GetProperty("vector").GetArrayLength());

        // Cold start: the most popular items, by string id, with their fields.
        var cold = await Service.PostOkAsync("/v1/recommend", """{ "user": "someone-new", "k": 5 }""");
        Assert.Equal("popular", cold.GetProperty("source").GetString());
        Assert.Equal(served.Popular.Take(5).Select(row => served.Items.Ids[row]), Ids(cold));
        Assert.All(Items(cold), AssertFieldsFromItemsCsv);
    }

    public static TheoryData<string, string, string, int> UnknownIds => new()
    {
        // "318" is movie 318's id in ml-latest-small but not here: ids are compared as strings.
        { "/v1/recommend", """{ "user": "u7", "filter": { "ids": ["m1", "318"] } }""", "filter.ids[1]", 400 },
        { "/v1/recommend", """{ "user": "u7", "exclude": ["tt0114709"] }""", "exclude[0]", 400 },
        { "/v1/recommend", """{ "features": { "history": ["m1", "m0"] } }""", "features.history[1]", 400 },
        { "/v1/recommend", """{ "user": "u7", "filter": { "fields": { "genres": ["Cooking"] } } }""", "filter.fields.genres[0]", 400 },
        { "/v1/recommend", """{ "user": "u7", "filter": { "fields": { "director": ["Mann"] } } }""", "filter.fields.director", 400 },
        { "/v1/score", """{ "user": "u7", "items": ["m1", "M1"] }""", "items[1]", 400 },
        { "/v1/similar-items", """{ "item": "1" }""", "item", 404 },
    };

    [Theory]
    [MemberData(nameof(UnknownIds))]
    public async Task UnknownIdsAndFieldsGetAProblemNamingTheField(string path, string body, string field, int status)
    {
        using var response = await Service.PostAsync(path, body);
        Assert.Equal(status, (int)response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith($"{field}: ", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void TheCommandLineRecommendsWithTitlesFromItemsCsv()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(Cli.Cli.Run(["recommend", "--model", Model.Path, "--user", "u7", "-k", "5"], output, error) == 0, error.ToString());
        // Table rows: │ # │ id │ title │ score │ (a long title wraps onto lines with an empty id cell).
        var rows = output.ToString().Split('\n').Select(l => l.Split('│', StringSplitOptions.TrimEntries)).Where(c => c.Length == 6 && c[1].Length > 0 && char.IsDigit(c[1][0])).ToArray();
        Assert.Equal(5, rows.Length);
        Assert.All(rows, cells => Assert.StartsWith(Model.Titles[cells[2]][..Math.Min(10, Model.Titles[cells[2]].Length)].TrimEnd(), cells[3]));
    }

    [Fact]
    public async Task ATimestampContextFeatureTakesTheRequestsTimeOrNow()
    {
        // The user tower reads the rating time (hour of day, day of week, age): a request may give it, else now.
        var at = await Service.PostOkAsync("/v1/recommend", """{ "features": { "history": ["m1", "m260"] }, "context": { "time": ["964982703"] }, "k": 5 }""");
        Assert.Equal(5, Ids(at).Length);
        var now = await Service.PostOkAsync("/v1/recommend", """{ "features": { "history": ["m1", "m260"] }, "k": 5 }""");
        Assert.Equal(5, Ids(now).Length);
        using var bad = await Service.PostAsync("/v1/recommend", """{ "features": { "history": ["m1"] }, "context": { "time": ["noon"] }, "k": 5 }""");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("context.time[0]", await bad.Content.ReadAsStringAsync());
    }
}
