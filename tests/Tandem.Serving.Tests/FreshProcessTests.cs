using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Tandem.Serving.Tests;

/// <summary>
/// The string-id model served by <c>tandem serve</c> in a process of its own, which never saw the
/// training data (the interactions file is deleted after training): the model file alone rebuilds
/// the model (<c>TwoTowerModel.Load</c>) and its catalogue; only items.csv is read, for display fields.
/// </summary>
public sealed class FreshProcessTests
{
    [Fact]
    public async Task ASeparateProcessServesTheModelFileWithTheFieldsOfItemsCsv()
    {
        var model = StringIdModel.Shared;
        Assert.False(File.Exists(Path.Combine(model.Directory, "interactions.csv")));
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tandem.sln"))) root = Path.GetDirectoryName(root)!;
        string cli = Path.Combine(root, "src", "Tandem.Cli", "bin", "Release", "net10.0", "tandem.dll");
        Assert.True(File.Exists(cli), cli);

        int port = FreePort();
        var start = new ProcessStartInfo("dotnet", [cli, "serve", "--model", model.Path, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var server = Process.Start(start)!;
        var errors = new StringBuilder();
        server.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var ready = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(server.HasExited, $"tandem serve exited with {(server.HasExited ? server.ExitCode : 0)}: {errors}");
                try
                {
                    if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                Assert.True(ready.Elapsed < TimeSpan.FromSeconds(120), $"tandem serve was not ready in 120 s: {errors}");
                await Task.Delay(200);
            }

            var response = await http.PostAsync("/v1/recommend", new StringContent("""{ "user": "u7", "k": 5 }""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var items = answer.RootElement.GetProperty("items").EnumerateArray().ToArray();
            Assert.Equal(5, items.Length);
            foreach (var item in items)
            {
                string id = item.GetProperty("id").GetString()!;
                Assert.StartsWith("m", id);
                Assert.Equal(model.Titles[id], item.GetProperty("fields").GetProperty("title").GetString());
            }
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
