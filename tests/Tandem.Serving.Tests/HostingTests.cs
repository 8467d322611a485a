using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tandem.Serving.Tests;

/// <summary>
/// Tandem inside an app of the user's own: <c>AddTandem</c> + <c>MapTandem</c>, options validated at
/// start-up, the model loaded after start with readiness following it, and the app's own paths left alone.
/// </summary>
public sealed class HostingTests
{
    static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    [Fact]
    public async Task AMissingOrInvalidOptionStopsTheHostNamingItsKey()
    {
        var model = TrainedModel.Shared;
        foreach (var (configure, key) in new (Action<TandemOptions>, string)[]
        {
            (o => o.ModelPath = null, "Tandem:ModelPath is missing"),
            (o => o.ModelPath = Path.Combine(model.Directory, "missing.tandem"), "Tandem:ModelPath"),
            (o => { o.ModelPath = model.Path; o.CacheCapacity = 0; }, "Tandem:CacheCapacity is 0"),
            (o => { o.ModelPath = model.Path; o.CacheTtl = TimeSpan.Zero; }, "Tandem:CacheTtl"),
            (o => { o.ModelPath = model.Path; o.WatchDirectory = Path.Combine(model.Directory, "no-such-dir"); }, "Tandem:WatchDirectory"),
        })
        {
            // Started without mapping: ValidateOnStart fails the start.
            var builder = Builder();
            builder.Services.AddTandem(configure);
            await using var app = builder.Build();
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains(key, error.Message);
            // Mapped first: the endpoints are never mapped over invalid options.
            var mapped = Builder();
            mapped.Services.AddTandem(configure);
            await using var second = mapped.Build();
            Assert.Contains(key, Assert.Throws<OptionsValidationException>(() => second.MapTandem()).Message);
        }
    }

    [Fact]
    public async Task TheModelLoadsAfterStartAndReadinessFollowsIt()
    {
        var model = TrainedModel.Shared;
        var loader = model.Loader();
        using var gate = new ManualResetEventSlim();
        var builder = Builder();
        // A holder whose load waits for the gate: the host is up, the model not yet.
        builder.Services.AddSingleton(_ => new ModelHolder(model.Path, path => { gate.Wait(); return loader.Load(path); }));
        builder.Services.AddTandem(o => o.ModelPath = model.Path);
        await using var app = builder.Build();
        app.MapTandem();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        using (var early = await http.PostAsJsonAsync("/v1/recommend", new { user = "1", k = 3 }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Equal("application/problem+json", early.Content.Headers.ContentType?.MediaType);
            Assert.Contains("still loading", await early.Content.ReadAsStringAsync());
        }

        gate.Set();
        var ready = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await http.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < ready, "not ready 60 s after the load was released");
            await Task.Delay(50);
        }
        using var answer = await http.PostAsJsonAsync("/v1/recommend", new { user = "1", k = 3 });
        var items = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
        Assert.Equal(3, items.GetArrayLength());
        await app.StopAsync();
    }

    [Fact]
    public async Task TheAppsOwnPathsKeepTheirOwnAnswers()
    {
        var model = TrainedModel.Shared;
        var builder = Builder();
        builder.Services.AddSingleton(_ => new ModelHolder(model.Loader().Load(model.Path), model.Path, model.Loader().Load));
        builder.Services.AddTandem(o => o.ModelPath = model.Path);
        await using var app = builder.Build();
        app.MapGet("/mine", () => "my own answer");
        app.MapTandem();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        Assert.Equal("my own answer", await http.GetStringAsync("/mine"));
        // An unknown path of the app: the app's plain 404, not Tandem's problem document.
        using var unknown = await http.GetAsync("/not-tandems");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.NotEqual("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        // Tandem's own errors stay problem documents, and only Tandem's requests are counted.
        using var bad = await http.PostAsync("/v1/recommend", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        string metrics = await http.GetStringAsync("/metrics");
        Assert.Matches("""tandem_requests_total\{[^}]*code="400",endpoint="recommend"\} 1\n""", metrics);
        Assert.DoesNotContain("endpoint=\"other\"", metrics);
        await app.StopAsync();
    }
}
