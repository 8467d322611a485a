using System.Diagnostics;
using Tandem.IO;
using Tandem.Models;
using Tandem.Models.Persistence;
using Tandem.Retrieval;
using Tandem.Retrieval.Formats;
using Tandem.Tests;

namespace Tandem.Cli.Tests.Faults;

/// <summary>
/// Real data (the first 4,000 ratings of ml-latest-small), a model, its checkpoint and a 200,000-vector
/// index written once by the CLI in-process; each trial starts from copies of them.
/// </summary>
public sealed class FaultFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("tandem-faults-").FullName;
    public string Data => Path.Combine(Root, "data");
    public string Config => Path.Combine(Root, "ids.json");
    public string Vectors => Path.Combine(Root, "vectors.npy");
    public string Baseline => Path.Combine(Root, "baseline");

    public FaultFixture()
    {
        string source = SharedData.Dataset("ml-latest-small"), dir = Path.Combine(Data, "ml-latest-small");
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "ratings.csv"), File.ReadLines(Path.Combine(source, "ratings.csv")).Take(4001));
        foreach (string file in new[] { "movies.csv", "tags.csv", "links.csv" }) File.Copy(Path.Combine(source, file), Path.Combine(dir, file));
        File.WriteAllText(Config, """{ "user": { "features": ["user"], "hidden": [] }, "item": { "features": ["item"], "hidden": [] }, "training": { "epochs": 2, "patience": 5 } }""");
        var random = new Random(18);
        var values = new float[200_000 * 64];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2 - 1;
        VectorFile.Write(Vectors, new VectorSet(values, 200_000, 64));
        Check(Cli.Run(["train", "--config", Config, "--data-dir", Data, "--out", Baseline], TextWriter.Null, Error()));
        Check(Cli.Run(["index", "build", "--vectors", Vectors, "--spec", "Flat", "--out", Path.Combine(Baseline, "items.idx")], TextWriter.Null, Error()));
    }

    StringWriter? error;
    StringWriter Error() => error = new StringWriter();
    void Check(int code) { if (code != 0) throw new InvalidOperationException($"fixture command failed: {error}"); }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>The fault tests share one <see cref="FaultFixture"/> and run one after another (they time processes).</summary>
[CollectionDefinition("Faults")]
public sealed class FaultCollection : ICollectionFixture<FaultFixture>;

/// <summary>
/// kill -9 at random points of every kind of save the CLI makes (model, checkpoint, index, calibration):
/// the file is always whole afterwards (the previous version or the new one, never half of one), and the
/// temporary file a kill leaves is gone after the next start's <see cref="AtomicFile.RemoveStale"/>.
/// CI runs one trial per kind; <c>bench/faults/run.sh</c> sets <c>TANDEM_FAULT_TRIALS</c> for the long run
/// and <c>TANDEM_FAULT_REPORT</c> to collect one line per kind.
/// </summary>
[Collection("Faults")]
public sealed class KillDuringSaveTests(FaultFixture fixture)
{
    static int Trials => int.TryParse(Environment.GetEnvironmentVariable("TANDEM_FAULT_TRIALS"), out int n) && n > 0 ? n : 1;

    static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "tandem.dll");

    [Theory]
    [InlineData("model")]
    [InlineData("checkpoint")]
    [InlineData("index")]
    [InlineData("calibration")]
    public void KilledSavesLoseNothingAndLeaveNothingAfterTheNextStart(string kind)
    {
        var random = new Random(kind.GetHashCode(StringComparison.Ordinal) ^ Environment.TickCount);
        int inside = 0, missed = 0;
        for (int trial = 0; trial < Trials;)
        {
            string dir = Path.Combine(fixture.Root, $"{kind}-{trial}-{missed}");
            Directory.CreateDirectory(dir);
            foreach (string file in Directory.GetFiles(fixture.Baseline)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            var (target, args) = kind switch
            {
                "model" => ("model.tandem", new[] { "train", "--config", fixture.Config, "--data-dir", fixture.Data, "--out", dir }),
                "checkpoint" => ("checkpoint.tandem", ["train", "--config", fixture.Config, "--data-dir", fixture.Data, "--out", dir]),
                "index" => ("items.idx", ["index", "build", "--vectors", fixture.Vectors, "--spec", "Flat", "--out", Path.Combine(dir, "items.idx")]),
                _ => ("model.tandem", ["calibrate", "--model", Path.Combine(dir, "model.tandem"), "--data-dir", fixture.Data]),
            };
            string path = Path.Combine(dir, target);

            // Waits for the save to begin (its temporary file appears), then kills at a random point of it.
            using var process = Process.Start(new ProcessStartInfo("dotnet", [Cli, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            string pattern = $".{target}.{process.Id}.*.tmp";
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && !Directory.EnumerateFiles(dir, pattern).Any())
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"{kind}: no save began in 3 minutes");
            if (process.HasExited)
            {
                // The whole save fell between two looks (the machine is shared): no kill, so try again.
                Assert.True(process.ExitCode == 0 && ++missed <= 2 * Trials + 2, $"{kind}: exit {process.ExitCode}, {missed} saves missed");
                Directory.Delete(dir, recursive: true);
                continue;
            }
            var delay = Stopwatch.StartNew();
            // Seconds: about as long as the save takes (a 51 MB index, 1-2 MB models), so kills land inside it and just after it.
            double wait = random.NextDouble() * (kind == "index" ? 0.3 : 0.0007);
            while (delay.Elapsed.TotalSeconds < wait) Thread.SpinWait(100);
            process.Kill(entireProcessTree: true); // SIGKILL on Unix
            process.WaitForExit();

            Valid(kind, path);
            // A kill between the temporary's creation and the rename leaves the temporary; one after it, none.
            if (Directory.EnumerateFiles(dir, pattern).Any()) inside++;
            AtomicFile.RemoveStale(dir); // what the next command or service start does first
            Assert.Empty(Directory.EnumerateFiles(dir, ".*.tmp"));
            Directory.Delete(dir, recursive: true);
            trial++;
        }
        // kind, kills, inside the save, after its rename, files lost, temporaries left after the next start, runs whose save was missed
        if (Environment.GetEnvironmentVariable("TANDEM_FAULT_REPORT") is { Length: > 0 } report)
            File.AppendAllText(report, $"| {kind} | {Trials} | {inside} | {Trials - inside} | 0 | 0 | {missed} |\n");
    }

    /// <summary>Loads the file as what it is; any damage throws.</summary>
    static void Valid(string kind, string path)
    {
        Assert.True(File.Exists(path), $"{path} was lost");
        switch (kind)
        {
            case "index": VectorIndex.Load(path).Dispose(); break;
            case "checkpoint": TandemFileReader.Open(path, TandemFileKind.Checkpoint).Dispose(); break;
            default:
                TwoTowerModel.Load(path);
                Assert.NotNull(TwoTowerModelFile.ReadCatalogue(path));
                TwoTowerModelFile.ReadCalibration(path);
                break;
        }
    }
}
