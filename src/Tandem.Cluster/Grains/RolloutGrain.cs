using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tandem.IO;

namespace Tandem.Cluster.Grains;

/// <summary>
/// The cluster's versions (<see cref="IRolloutGrain"/>). State is <c>rollout.json</c> under the shards
/// root, written atomically, so a reactivation on another silo reads where the last one left off.
/// Calls are not interleaved: two rollouts never run at once.
/// </summary>
sealed class RolloutGrain(ShardStore store, IGrainFactory grains, ILogger<RolloutGrain> logger) : Grain, IRolloutGrain
{
    string[] live = [];

    string StatePath => Path.Combine(store.Root, "rollout.json");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(StatePath))
        {
            try { live = JsonSerializer.Deserialize<string[]>(File.ReadAllText(StatePath)) ?? []; }
            catch (JsonException e) { throw new ShardException($"{StatePath}: not a list of live versions ({e.Message}); fix or delete it and roll out again"); }
        }
        return Task.CompletedTask;
    }

    public Task<LiveVersion[]> Live()
    {
        try { return Task.FromResult(live.Select(Describe).ToArray()); }
        catch (TandemException e) { throw new ShardException(e.Message); }
    }

    public async Task<LiveVersion[]> Activate(string version)
    {
        try { return await ActivateCore(version); }
        catch (TandemException e) { throw new ShardException(e.Message); }
    }

    async Task<LiveVersion[]> ActivateCore(string version)
    {
        var manifest = store.Manifest(version);
        // Phase one: every replica of every shard loaded, or nothing changes.
        var loads = new List<(ShardKey Key, Task<long> Load)>();
        for (int s = 0; s < manifest.Shards.Length; s++)
            for (int r = 0; r < manifest.Replicas; r++)
            {
                var key = new ShardKey(version, s, r);
                loads.Add((key, grains.GetGrain<IShardGrain>(key.ToString()).Load()));
            }
        try { await Task.WhenAll(loads.Select(l => l.Load)); }
        catch (Exception)
        {
            string failed = string.Join("; ", loads.Where(l => !l.Load.IsCompletedSuccessfully).Select(l => $"{l.Key}: {l.Load.Exception?.InnerException?.Message ?? "cancelled"}"));
            throw new TandemException($"version {version} not rolled out, still serving {(live.Length > 0 ? live[^1] : "nothing")}: {failed}");
        }
        if (live.Length > 0 && live[^1] == version) return await Live();
        // Phase two: one write makes it current; the previous current stays live for front ends still on its model.
        var retired = live.Length > 1 ? live[..^1] : [];
        live = live.Length > 0 ? [live[^1], version] : [version];
        AtomicFile.WriteText(StatePath, JsonSerializer.Serialize(live));
        logger.LogInformation("Version {Version} is current ({Shards} shards x {Replicas} replicas); live: {Live}.", version, manifest.Shards.Length, manifest.Replicas, string.Join(", ", live));
        foreach (string old in retired) await Retire(old);
        return await Live();
    }

    /// <summary>Unloads every replica of a version no longer live; a replica that cannot be reached is gone already.</summary>
    async Task Retire(string version)
    {
        var manifest = store.Manifest(version);
        var unloads = new List<Task>();
        for (int s = 0; s < manifest.Shards.Length; s++)
            for (int r = 0; r < manifest.Replicas; r++)
                unloads.Add(grains.GetGrain<IShardGrain>(new ShardKey(version, s, r).ToString()).Unload());
        try { await Task.WhenAll(unloads); }
        catch (Exception e) { logger.LogWarning("Retiring version {Version}: {Message}", version, e.Message); }
    }

    LiveVersion Describe(string version)
    {
        var m = store.Manifest(version);
        return new LiveVersion { Version = version, Model = m.Model, Dimension = m.Dimension, Shards = m.Shards.Length, Replicas = m.Replicas, Metric = m.Metric, Items = m.Items, Spec = m.Spec };
    }
}
