using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tandem.Cluster.Hosting;
using Tandem.Cluster.Serving;
using Tandem.Cluster.Shards;
using Tandem.Models;
using Tandem.Serving;
using Tandem.Serving.Tests.Caching;
using Tandem.Tests;

namespace Tandem.Cluster.Tests;

/// <summary>
/// A real cluster on loopback, shared by the integration tests: redis-server for membership, three
/// <c>tandem silo</c> processes of the built CLI, a one-epoch MovieLens model, its catalogue built into
/// versions <c>v1</c> (3 Flat shards x 2 replicas, by the CLI), <c>v2</c> (the same vectors under ids
/// past a million, so an answer mixing versions shows) and <c>r1</c> (3 shards x 1 replica), a
/// <c>tandem serve --cluster</c> front end process, and a client connection for index-level checks.
/// </summary>
public sealed class LoopbackCluster : IAsyncLifetime
{
    /// <summary>Ids of version v2 are the catalogue rows plus this.</summary>
    public const long V2Offset = 1_000_000;
    readonly TempDirectory folder = new();
    readonly List<Node> silos = [];
    RedisServer? redis;
    Node? frontEnd;

    public string Cli { get; } = FindCli();
    public string ModelPath => folder.File("model/model.tandem");
    public string ShardsRoot => folder.File("shards");
    public string Redis => redis!.Endpoint;
    public ClusterConnection Connection { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public EmbeddedCatalogue Catalogue { get; private set; } = null!;
    public string ModelVersion { get; private set; } = "";
    public int LiveSilos => silos.Count(s => !s.Process.HasExited);

    public async Task InitializeAsync()
    {
        redis = new RedisServer();
        Directory.CreateDirectory(ShardsRoot);
        for (int i = 0; i < 3; i++) StartSilo();
        File.WriteAllText(folder.File("config.json"), """{ "user": { "features": ["user", "history"] }, "item": { "features": ["item", "genres"] }, "training": { "epochs": 1 } }""");
        Run("train", "--config", folder.File("config.json"), "--data-dir", SharedData.Root, "--out", folder.File("model"));
        Run("index", "build", "--model", ModelPath, "--spec", "Flat", "--shards", "3", "--replicas", "2", "--version", "v1", "--out", ShardsRoot);
        Run("index", "build", "--model", ModelPath, "--spec", "Flat", "--shards", "3", "--replicas", "1", "--version", "r1", "--out", ShardsRoot);
        Catalogue = Tandem.Models.Persistence.TwoTowerModelFile.Catalogue(ModelPath);
        ModelVersion = ServingModel.FileVersion(ModelPath);
        var ids = Enumerable.Range(0, Catalogue.ItemKeys.Length).Select(i => V2Offset + i).ToArray();
        ShardBuilder.Build(Catalogue.ItemVectors, ids, Catalogue.Dimension, Path.Combine(ShardsRoot, "v2"),
            new ShardBuildOptions { Spec = "Flat", Shards = 3, Replicas = 2, Version = "v2", Model = ModelVersion });
        foreach (var silo in silos) await silo.Ready;
        Connection = await ClusterConnection.ConnectAsync(ClusterAddress.Parse(Redis));
        await Connection.RolloutAsync("v1");
        int port = RedisServer.FreePort();
        frontEnd = Node.Start(Cli, "Serving ", "serve", "--model", ModelPath, "--data-dir", SharedData.Root, "--cluster", Redis, "--urls", $"http://127.0.0.1:{port}");
        await frontEnd.Ready;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Starts one more silo process (on fresh ports).</summary>
    public Node StartSilo()
    {
        string port = RedisServer.FreePort().ToString(CultureInfo.InvariantCulture), gateway = RedisServer.FreePort().ToString(CultureInfo.InvariantCulture);
        var node = Node.Start(Cli, "Silo of cluster", "silo", "--cluster", Redis, "--shards-root", ShardsRoot, "--port", port, "--gateway-port", gateway);
        silos.Add(node);
        return node;
    }

    /// <summary>The running silos.</summary>
    public IReadOnlyList<Node> Silos => silos.Where(s => !s.Process.HasExited).ToList();

    /// <summary>The logs of every process so far, for failure messages.</summary>
    public string Logs => string.Join("\n", silos.Append(frontEnd).OfType<Node>().Select(n => n.Log));

    void Run(params string[] args)
    {
        var error = new StringWriter();
        int code = Tandem.Cli.Cli.Run(args, new StringWriter(), error);
        if (code != 0) throw new InvalidOperationException($"tandem {string.Join(' ', args)} failed: {error}");
    }

    static string FindCli()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Tandem.sln"))) root = Path.GetDirectoryName(root)!;
        return Path.Combine(root, "src", "Tandem.Cli", "bin", "Release", "net10.0", "tandem.dll");
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        foreach (var node in silos.Append(frontEnd).OfType<Node>()) node.Dispose();
        if (Connection is not null) await Connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        redis?.Dispose();
        folder.Dispose();
    }

    /// <summary>A <c>tandem</c> process whose output is kept; <see cref="Ready"/> completes when it prints its ready line.</summary>
    public sealed class Node : IDisposable
    {
        readonly StringBuilder log = new();
        readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        Node(Process process) => Process = process;

        public Process Process { get; }
        public Task Ready => ready.Task.WaitAsync(TimeSpan.FromSeconds(90));
        public string Log { get { lock (log) return log.ToString(); } }

        public static Node Start(string cli, string readyLine, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet", [cli, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
            var node = new Node(Process.Start(start)!);
            void Line(string? line)
            {
                if (line is null) return;
                lock (node.log) node.log.AppendLine(line);
                if (line.StartsWith(readyLine, StringComparison.Ordinal)) node.ready.TrySetResult();
            }
            node.Process.OutputDataReceived += (_, e) => Line(e.Data);
            node.Process.ErrorDataReceived += (_, e) => Line(e.Data);
            node.Process.Exited += (_, _) => node.ready.TrySetException(new InvalidOperationException($"tandem {args[0]} exited: {node.Log}"));
            node.Process.EnableRaisingEvents = true;
            node.Process.BeginOutputReadLine();
            node.Process.BeginErrorReadLine();
            return node;
        }

        /// <summary>Kill -9: no goodbye to the cluster.</summary>
        public void Kill()
        {
            if (!Process.HasExited) Process.Kill();
            Process.WaitForExit();
        }

        /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the process: a silo that never answers.</summary>
        public void Signal(string signal) => System.Diagnostics.Process.Start("kill", [$"-{signal}", Process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

        public void Dispose()
        {
            Kill();
            Process.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LoopbackClusterCollection : ICollectionFixture<LoopbackCluster>
{
    public const string Name = "loopback cluster";
}
