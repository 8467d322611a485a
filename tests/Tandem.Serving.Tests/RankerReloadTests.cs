using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Tandem.Models;
using Tandem.Models.Calibration;
using Tandem.Models.Persistence;

namespace Tandem.Serving.Tests;

/// <summary>Hot reload of a bundle (two-tower model, index and ranker), swapped as one.</summary>
public sealed class RankerReloadTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-ranker-reload-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static async Task<HttpResponseMessage> ReloadAsync(RunningService service, string model)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/reload") { Content = new StringContent(JsonSerializer.Serialize(new { model }), Encoding.UTF8, "application/json") };
        request.Headers.Add(TandemService.AdminKeyHeader, RunningService.AdminKey);
        return await service.Client.SendAsync(request);
    }

    /// <summary>Puts <paramref name="source"/> at <paramref name="path"/> by a rename, as model files are written.</summary>
    static void Replace(string source, string path)
    {
        File.Copy(source, path + ".next", overwrite: true);
        File.Move(path + ".next", path, overwrite: true);
    }

    static readonly string[] Users = ["1", "7", "42", "414"];
    static readonly string[] Items = ["1", "50", "260", "296", "318", "356", "480", "589", "593", "1196", "2571", "4993"];

    static string Body(int request) => request % 2 == 0
        ? JsonSerializer.Serialize(new { user = Users[request / 2 % Users.Length], k = 10 })
        : JsonSerializer.Serialize(new { user = Users[request / 2 % Users.Length], items = Items });

    static string Path(int request) => request % 2 == 0 ? "/v1/recommend" : "/v1/predict";

    /// <summary>An answer without its timings (which vary): version, ids and probabilities.</summary>
    static string Content(JsonElement answer) => answer.GetProperty("modelVersion").GetString() + " " + string.Join(",",
        answer.GetProperty("items").EnumerateArray().Select(i => $"{i.GetProperty("id").GetString()}:{i.GetProperty("probability").GetDouble():R}"));

    [Fact]
    public async Task ReloadsUnderConcurrentRequestsSwapModelAndRankerTogether()
    {
        var shared = TrainedRankers.Shared;
        string a = TrainedModel.Shared.Copy(directory, "a.tandem");
        // Same weights, one more section: different bytes, so another version.
        string b = TrainedModel.Shared.Copy(directory, "b.tandem");
        TwoTowerModelFile.WriteCalibration(b, new PlattScaling(3, -1, 100, 20));
        string ranker = System.IO.Path.Combine(directory, "ranker.tandem");
        Replace(shared.DeepFm, ranker);
        await using var service = await RunningService.StartAsync(a, TrainedRankers.Loader(ranker));

        // Bundle A = (a, DeepFM), bundle B = (b, logistic regression): each one's answers, request by request.
        var expected = new Dictionary<string, string[]>();
        async Task<string[]> AnswersAsync() => await Task.WhenAll(Enumerable.Range(0, 2 * Users.Length).Select(async r => Content(await service.PostOkAsync(Path(r), Body(r)))));
        var answersA = await AnswersAsync();
        Replace(shared.Logistic, ranker);
        Assert.Equal(HttpStatusCode.OK, (await ReloadAsync(service, b)).StatusCode);
        var answersB = await AnswersAsync();
        string versionA = answersA[0].Split(' ')[0], versionB = answersB[0].Split(' ')[0];
        Assert.NotEqual(versionA.Split('+')[0], versionB.Split('+')[0]);
        Assert.NotEqual(versionA.Split('+')[1], versionB.Split('+')[1]);
        expected[versionA] = answersA;
        expected[versionB] = answersB;
        // The two bundles answer differently, so an answer mixing them would show.
        Assert.NotEqual(answersA.Select(x => x.Split(' ')[1]), answersB.Select(x => x.Split(' ')[1]));

        var failures = new ConcurrentQueue<string>();
        var versions = new ConcurrentDictionary<string, int>();
        int requests = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (int i = c; !stop.IsCancellationRequested; i++)
            {
                int r = i % (2 * Users.Length);
                using var response = await service.PostAsync(Path(r), Body(r));
                string text = await response.Content.ReadAsStringAsync();
                Interlocked.Increment(ref requests);
                if (response.StatusCode != HttpStatusCode.OK) { failures.Enqueue($"{(int)response.StatusCode}: {text}"); continue; }
                string content = Content(JsonDocument.Parse(text).RootElement);
                string version = content.Split(' ')[0];
                versions.AddOrUpdate(version, 1, (_, n) => n + 1);
                if (!expected.TryGetValue(version, out var answers)) failures.Enqueue($"unknown version {version}");
                else if (answers[r] != content) failures.Enqueue($"{Path(r)} {Body(r)} under {version}: {content}, expected {answers[r]}");
            }
        })).ToArray();

        foreach (var (model, next) in new[] { (a, shared.DeepFm), (b, shared.Logistic), (a, shared.DeepFm), (b, shared.Logistic) })
        {
            await Task.Delay(250);
            Replace(next, ranker);
            using var reload = await ReloadAsync(service, model);
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }
        await Task.Delay(250);
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(requests > 20, $"{requests} requests");
        Assert.Equal([versionA, versionB], versions.Keys.Order());
    }

    [Fact]
    public async Task ARankerOfOtherDataIsRefusedAtStartAndOnReloadNamingTheFileAndTheFeature()
    {
        var shared = TrainedRankers.Shared;
        string a = TrainedModel.Shared.Copy(directory, "a.tandem");
        string ranker = System.IO.Path.Combine(directory, "ranker.tandem");
        Replace(shared.DeepFm, ranker);
        await using var service = await RunningService.StartAsync(a, TrainedRankers.Loader(ranker));
        string before = (await service.GetJsonAsync("/healthz")).GetProperty("modelVersion").GetString()!;

        Replace(shared.Criteo, ranker);
        string message = $"{ranker}: the ranker's data has no user column, so it cannot score {a}'s candidates (whose user feature 'user' reads column 'userId'); train the ranker on the retrieval model's data";
        var direct = Assert.Throws<ModelException>(() => TrainedRankers.Loader(ranker).Load(a));
        Assert.Equal(message, direct.Message);
        using (var reload = await ReloadAsync(service, a))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reload.StatusCode);
            Assert.Equal("model", JsonDocument.Parse(await reload.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        }
        Assert.Equal(before, (await service.GetJsonAsync("/healthz")).GetProperty("modelVersion").GetString());
        await service.PostOkAsync("/v1/predict", """{ "user": "1", "items": ["1"] }""");

        // The CLI: one line naming the file and the column, before listening.
        var error = new StringWriter();
        int code = Cli.Cli.Run(["serve", "--model", a, "--ranker", ranker, "--data-dir", TrainedModel.Shared.DataDir, "--urls", "http://127.0.0.1:0"], new StringWriter(), error);
        Assert.Equal(1, code);
        Assert.Equal($"tandem: {message}\n", error.ToString().Replace("\r", ""));
    }
}
