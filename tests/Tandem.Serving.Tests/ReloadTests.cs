using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Tandem.Models.Calibration;
using Tandem.Models.Persistence;

namespace Tandem.Serving.Tests;

public sealed class ReloadTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-reload-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static async Task<HttpResponseMessage> ReloadAsync(RunningService service, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/reload") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(TandemService.AdminKeyHeader, RunningService.AdminKey);
        return await service.Client.SendAsync(request);
    }

    static async Task<string> VersionAsync(RunningService service) => (await service.GetJsonAsync("/healthz")).GetProperty("modelVersion").GetString()!;

    [Fact]
    public async Task ReloadsInTheMiddleOfAStreamOfRequestsFailNone()
    {
        var model = TrainedModel.Shared;
        string a = model.Copy(directory, "a.tandem");
        // Same weights, one more section: different bytes, so a different version.
        string b = model.Copy(directory, "b.tandem");
        TwoTowerModelFile.WriteCalibration(b, new PlattScaling(3, -1, 100, 20));
        await using var service = await RunningService.StartAsync(a, model.Loader());
        string versionA = await VersionAsync(service);

        var failures = new ConcurrentQueue<string>();
        var versions = new ConcurrentDictionary<string, int>();
        string[] known = ["1", "2", "3", "32", "50", "110", "260", "296", "318", "356", "480", "589", "593", "1196", "2571"];
        int requests = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string body = (i + c) % 3 == 0
                    ? $$"""{ "features": { "history": ["{{known[i % known.Length]}}", "50"] }, "k": 10 }"""
                    : $$"""{ "user": "{{1 + (i * 7 + c) % 610}}", "k": 10 }""";
                using var response = await service.PostAsync("/v1/recommend", body);
                string text = await response.Content.ReadAsStringAsync();
                Interlocked.Increment(ref requests);
                if (response.StatusCode != HttpStatusCode.OK) { failures.Enqueue($"{(int)response.StatusCode}: {text}"); continue; }
                var answer = JsonDocument.Parse(text).RootElement;
                versions.AddOrUpdate(answer.GetProperty("modelVersion").GetString()!, 1, (_, n) => n + 1);
                if (answer.GetProperty("items").GetArrayLength() != 10) failures.Enqueue($"short answer: {text}");
            }
        })).ToArray();

        foreach (string next in new[] { b, a, b })
        {
            await Task.Delay(300);
            using var reload = await ReloadAsync(service, JsonSerializer.Serialize(new { model = next }));
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(requests > 20, $"{requests} requests");
        string versionB = await VersionAsync(service);
        Assert.NotEqual(versionA, versionB);
        Assert.Contains(versionA, versions.Keys);
        Assert.Contains(versionB, versions.Keys);
        Assert.Equal(2, versions.Count);
    }

    [Fact]
    public async Task AFileThatCannotBeLoadedKeepsTheCurrentModel()
    {
        var model = TrainedModel.Shared;
        string a = model.Copy(directory, "a.tandem");
        string broken = Path.Combine(directory, "broken.tandem");
        File.WriteAllBytes(broken, Encoding.ASCII.GetBytes("TNDM this is not a model"));
        await using var service = await RunningService.StartAsync(a, model.Loader());
        string before = await VersionAsync(service);

        foreach (string path in new[] { broken, Path.Combine(directory, "missing.tandem") })
        {
            using var response = await ReloadAsync(service, JsonSerializer.Serialize(new { model = path }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("model", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        }
        Assert.Equal(before, await VersionAsync(service));
        await service.PostOkAsync("/v1/recommend", """{ "user": "1" }""");
    }

    [Fact]
    public async Task ACalibratedModelWrittenToTheWatchedDirectoryIsServedWithClickProbabilities()
    {
        var model = TrainedModel.Shared;
        string watched = Directory.CreateDirectory(Path.Combine(directory, "watched")).FullName;
        string a = model.Copy(directory, "a.tandem");
        await using var service = await RunningService.StartAsync(a, model.Loader(), o => o.WatchDirectory = watched);
        string before = await VersionAsync(service);

        string calibrated = model.Copy(directory, "calibrated.tandem");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(Cli.Cli.Run(["calibrate", "--model", calibrated, "--data-dir", model.DataDir], output, error) == 0, error.ToString());
        Assert.Contains("Wrote the calibration", output.ToString());
        var platt = TwoTowerModelFile.ReadCalibration(calibrated)!;
        // A higher score must mean a likelier click, and the held-out sample has one positive per 4 negatives.
        Assert.True(platt.A > 0, $"A = {platt.A}");
        Assert.Equal(platt.Examples, platt.Positives * 5);

        // Renamed into place, as model files are written: the watcher sees one whole file.
        File.Move(calibrated, Path.Combine(watched, "next.tandem"));
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); await VersionAsync(service) == before; await Task.Delay(100))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "the watched model was not swapped in");

        var scored = await service.PostOkAsync("/v1/score", """{ "user": "1", "items": ["1", "2", "318", "5952"] }""");
        Assert.True(scored.GetProperty("calibrated").GetBoolean());
        Assert.False(scored.TryGetProperty("note", out _));
        foreach (var item in scored.GetProperty("items").EnumerateArray())
        {
            double p = item.GetProperty("probability").GetDouble();
            Assert.Equal(platt.Probability(item.GetProperty("score").GetSingle()), p, 1e-12);
            Assert.InRange(p, 0, 1);
        }
    }

    [Fact]
    public async Task ReloadsReadRegularFilesOfTheModelDirectoryOnlyAndNeverQuoteThem()
    {
        var model = TrainedModel.Shared;
        string a = model.Copy(directory, "a.tandem");
        string sub = Directory.CreateDirectory(Path.Combine(directory, "models")).FullName;
        string secret = Path.Combine(directory, "secret.tandem");
        File.WriteAllText(secret, "TNDM secret-content-0123456789");
        string fifo = Path.Combine(directory, "pipe.tandem");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();
        File.CreateSymbolicLink(Path.Combine(directory, "passwd.tandem"), "/etc/passwd");
        await using var service = await RunningService.StartAsync(a, model.Loader());
        string before = await VersionAsync(service);

        foreach (var (path, expected) in new[]
        {
            ("/proc/self/environ", "outside the model directory"),
            ("/etc/passwd", "outside the model directory"),
            ("../a.tandem", "outside the model directory"),
            (Path.Combine(directory, "..", Path.GetFileName(directory), "..", "x.tandem"), "outside the model directory"),
            ("passwd.tandem", "links outside the model directory"),
            (sub, "is a directory"),
            ("pipe.tandem", "is not a model file"),
            ("missing.tandem", "no such file"),
            (secret, "cannot be loaded as a model"),
        })
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var response = await ReloadAsync(service, JsonSerializer.Serialize(new { model = path }));
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} → {(int)response.StatusCode}: {text}");
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal("model", problem.GetProperty("field").GetString());
            string detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains(expected, detail);
            Assert.DoesNotContain("secret-content", detail);
            Assert.DoesNotContain(Convert.ToHexString("TNDM secret"u8), detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(RunningService.AdminKey, detail);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{path} took {clock.Elapsed}");
        }
        // Nothing above holds the reload lock: a good file still loads, by a path relative to the directory.
        Assert.Equal(before, await VersionAsync(service));
        model.Copy(directory, "b.tandem");
        TwoTowerModelFile.WriteCalibration(Path.Combine(directory, "b.tandem"), new PlattScaling(3, -1, 100, 20));
        using var good = await ReloadAsync(service, """{ "model": "b.tandem" }""");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.NotEqual(before, await VersionAsync(service));
    }
}
