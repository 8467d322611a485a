using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tandem.Serving.Tests;

/// <summary>The sample app of examples/Tandem.Sample: its own endpoint and Tandem's, side by side in one host.</summary>
public sealed class SampleHostTests
{
    [Fact]
    // Greeting names the sample's assembly (its Program would clash with the CLI's).
    public async Task TheSampleAnswersItsOwnEndpointAndTandems()
    {
        var model = TrainedModel.Shared;
        await using var factory = new WebApplicationFactory<Greeting>().WithWebHostBuilder(host => host
            .UseSetting("Tandem:ModelPath", model.Path)
            .UseSetting("Tandem:DataDirectory", model.DataDir));
        using var http = factory.CreateClient();

        var greeting = await http.GetFromJsonAsync<JsonElement>("/shop/greeting?name=Ada");
        Assert.Equal("Welcome to the shop, Ada.", greeting.GetProperty("message").GetString());

        var ready = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await http.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < ready, "the sample's model was not loaded within 60 s");
            await Task.Delay(50);
        }
        using var answer = await http.PostAsJsonAsync("/v1/recommend", new { user = "1", k = 5 });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var items = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
        Assert.Equal(5, items.GetArrayLength());
        Assert.False(string.IsNullOrEmpty(items[0].GetProperty("fields").GetProperty("title").GetString()));

        // The app's own endpoint is in the same OpenAPI document as Tandem's.
        var paths = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/shop/greeting", out _));
        Assert.True(paths.TryGetProperty("/v1/recommend", out _));
    }
}
