using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Tandem.Cli;

namespace Tandem.Serving.Tests;

/// <summary>The real service (Kestrel) on a free loopback port, with an HttpClient pointed at it.</summary>
public sealed class RunningService : IAsyncDisposable
{
    readonly WebApplication app;

    RunningService(WebApplication app, ModelHolder holder)
    {
        this.app = app;
        Holder = holder;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public HttpClient Client { get; }
    public ModelHolder Holder { get; }

    public const string AdminKey = "test-admin-key";

    internal static async Task<RunningService> StartAsync(string modelPath, ServingLoader loader, Action<TandemOptions>? configure = null)
    {
        var holder = new ModelHolder(loader.Load(modelPath), modelPath, loader.Load);
        var app = TandemService.Create("http://127.0.0.1:0", options =>
        {
            options.AdminKey = AdminKey;
            configure?.Invoke(options);
        }, holder);
        await app.StartAsync();
        return new RunningService(app, holder);
    }

    /// <summary>POSTs <paramref name="json"/> as application/json.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>POSTs and parses a 200 answer.</summary>
    public async Task<JsonElement> PostOkAsync(string path, string json)
    {
        using var response = await PostAsync(path, json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} {json} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await Client.GetFromJsonAsync<JsonElement>(path);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
