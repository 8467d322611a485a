namespace Tandem.Serving.Tests;

/// <summary><c>tandem serve</c> and <c>tandem calibrate</c> refuse bad input with one line and exit code 1.</summary>
public sealed class ServeCommandTests
{
    static (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        int code = Cli.Cli.Run(args, new StringWriter(), error);
        return (code, error.ToString().Trim());
    }

    [Fact]
    public void BadOptionsGetOneLineNamingThem()
    {
        var model = TrainedModel.Shared;
        string missing = Path.Combine(model.Directory, "missing.tandem");
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["serve", "--model", missing], "missing.tandem"),
            (["serve", "--model", model.Path, "--ef", "-1"], "--ef is -1"),
            (["serve", "--model", model.Path, "--cache-size", "0"], "--cache-size is 0"),
            (["serve", "--model", model.Path, "--cache-mb", "0"], "--cache-mb is 0"),
            (["serve", "--model", model.Path, "--data-dir", model.DataDir, "--watch", Path.Combine(model.Directory, "no-such-dir")], "--watch"),
            (["serve", "--model", model.Path, "--data-dir", model.DataDir, "--redis", "no port here"], "--redis"),
            (["calibrate", "--model", missing], "missing.tandem"),
            (["calibrate", "--model", model.Path, "--negatives", "0"], "--negatives is 0"),
        })
        {
            var (code, error) = Run(args);
            Assert.True(code == 1, $"{string.Join(' ', args)} → {code}: {error}");
            Assert.StartsWith("tandem: ", error);
            Assert.Contains(expected, error);
            Assert.DoesNotContain("\n", error);
        }
    }

    /// <summary>
    /// Start-up failures in a process of its own, as a user meets them: an address that is not a URL and a
    /// port in use are one line on stderr and exit code 1, with no host log or stack trace on stdout.
    /// </summary>
    [Fact]
    public async Task StartUpFailuresAreOneLineAndANonZeroExit()
    {
        var model = TrainedModel.Shared;
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        foreach (var (urls, expected) in new[] { ("notaurl", "--urls 'notaurl' is not a URL"), ($"http://127.0.0.1:{port}", "address already in use") })
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet", [CliPath(), "serve", "--model", model.Path, "--data-dir", model.DataDir, "--urls", urls])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            string error = (await process.StandardError.ReadToEndAsync()).Trim();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 1, $"{urls} → {process.ExitCode}: {error}");
            Assert.StartsWith("tandem: ", error);
            Assert.Contains(expected, error);
            Assert.DoesNotContain("\n", error);
            string printed = await output;
            Assert.DoesNotContain("   at ", printed);
            Assert.DoesNotContain("fail:", printed);
        }
    }

    static string CliPath()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tandem.sln"))) root = Path.GetDirectoryName(root)!;
        return Path.Combine(root, "src", "Tandem.Cli", "bin", "Release", "net10.0", "tandem.dll");
    }
}
