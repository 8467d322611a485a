using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Tandem.Cluster.Hosting;
using Tandem.Cluster.Serving;
using Tandem.Cluster.Shards;
using Tandem.Retrieval.Formats;
using Tandem.Serving;

namespace Tandem.Cli;

/// <summary><c>tandem silo</c> (a cluster node owning shard replicas), <c>tandem cluster rollout | status</c>, and the sharded build behind <c>tandem index build --shards</c>.</summary>
static class ClusterCommands
{
    public static IEnumerable<Command> Create(TextWriter output)
    {
        var cluster = new Option<string>("--cluster") { Description = "Membership: Redis HOST:PORT, or 'localhost' for one development silo.", DefaultValueFactory = _ => "localhost" };
        var clusterId = new Option<string>("--cluster-id") { Description = "Cluster name; silos and front ends with the same name and membership form one cluster.", DefaultValueFactory = _ => "tandem" };
        var root = new Option<string>("--shards-root") { Description = "Folder of shard versions ('tandem index build --shards --out'), shared by every silo.", Required = true };
        var port = new Option<int>("--port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => ClusterAddress.LocalSiloPort };
        var gateway = new Option<int>("--gateway-port") { Description = "Port front ends connect to.", DefaultValueFactory = _ => ClusterAddress.LocalGatewayPort };
        var host = new Option<string>("--host") { Description = "IP address other silos and front ends reach this silo at.", DefaultValueFactory = _ => "127.0.0.1" };
        var silo = new Command("silo", "Run a cluster silo: it hosts replicas of the shards of the live versions, placed by the cluster (Ctrl+C stops).") { cluster, clusterId, root, port, gateway, host };
        silo.SetAction(p =>
        {
            using var running = ClusterHosts.Silo(new SiloOptions
            {
                Cluster = ClusterAddress.Parse(p.GetValue(cluster)!), ClusterId = p.GetValue(clusterId)!, ShardsRoot = p.GetValue(root)!,
                SiloPort = p.GetValue(port), GatewayPort = p.GetValue(gateway), Host = p.GetValue(host)!,
            });
            running.Start();
            output.WriteLine($"Silo of cluster '{p.GetValue(clusterId)}' up on {p.GetValue(host)}:{p.GetValue(port)} (gateway {p.GetValue(gateway)}), shards from {Path.GetFullPath(p.GetValue(root)!)} (Ctrl+C stops).");
            running.WaitForShutdown();
            return 0;
        });

        var version = new Option<string>("--version") { Description = "Version to roll out (a folder under the shards root).", Required = true };
        var rollout = new Command("rollout", "Load every shard replica of a version beside the current one, then make it current in one step (front ends move within a quarter second).") { cluster, clusterId, version };
        rollout.SetAction(p =>
        {
            using var connection = Join(p.GetValue(cluster)!, p.GetValue(clusterId)!);
            var live = connection.Value.RolloutAsync(p.GetValue(version)!).GetAwaiter().GetResult();
            output.WriteLine($"Version {live[^1].Version} is current: {live[^1].Shards} shards x {live[^1].Replicas} replicas, {live[^1].Items:N0} items; live: {string.Join(", ", live.Select(v => v.Version))}.");
            return 0;
        });
        var status = new Command("status", "List the cluster's live versions, oldest first.") { cluster, clusterId };
        status.SetAction(p =>
        {
            using var connection = Join(p.GetValue(cluster)!, p.GetValue(clusterId)!);
            foreach (var v in connection.Value.Live)
                output.WriteLine($"{v.Version}\t{v.Shards} shards x {v.Replicas} replicas\t{v.Items:N0} items\t{v.Dimension}-d {v.Metric}\t{v.Spec}\tmodel {v.Model ?? "any"}");
            return 0;
        });
        return [silo, new Command("cluster", "Manage a running cluster's versions.") { rollout, status }];
    }

    /// <summary>The connection of <c>serve --cluster</c>, or null without one.</summary>
    public static ClusterConnection? Connect(string? cluster) =>
        cluster is null ? null : ClusterConnection.ConnectAsync(ClusterAddress.Parse(cluster)).GetAwaiter().GetResult();

    static Connection Join(string cluster, string clusterId) => new(ClusterConnection.ConnectAsync(ClusterAddress.Parse(cluster), clusterId: clusterId).GetAwaiter().GetResult());

    /// <summary>Leaves the cluster when a command is done with it.</summary>
    sealed class Connection(ClusterConnection value) : IDisposable
    {
        public ClusterConnection Value { get; } = value;
        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary><c>tandem index build --shards</c>: the version's folder under <paramref name="root"/>, named after the version (default: the model file's version).</summary>
    public static int BuildShards(TextWriter output, VectorSet set, long[] ids, string root, string? modelPath, ShardBuildOptions options)
    {
        string? model = modelPath is null ? null : ServingModel.FileVersion(modelPath);
        if (options.Version.Length == 0)
            options = options with { Version = model ?? CliThrow.Input<string>("--version is needed with --vectors (with --model it defaults to the model file's version)") };
        options = options with { Model = model };
        string folder = Path.Combine(root, options.Version);
        if (File.Exists(Path.Combine(folder, ShardManifest.FileName)))
            CliThrow.Input($"{folder} already holds version {options.Version}; a live version's files are never rewritten: give another --version");
        OutputFolder.PrepareFor(Path.Combine(folder, ShardManifest.FileName));
        var manifest = ShardBuilder.Build(set.Span, ids, set.Dimension, folder, options,
            (shard, items) => output.WriteLine($"Shard {shard}: {items:N0} items."));
        output.WriteLine($"Built version {manifest.Version}: {manifest.Shards.Length} x {manifest.Spec} shards over {manifest.Items:N0} {manifest.Dimension}-d items, {manifest.Replicas} replicas each; wrote {folder}.");
        return 0;
    }
}
