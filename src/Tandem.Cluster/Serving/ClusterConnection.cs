using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Cluster.Grains;
using Tandem.Cluster.Hosting;

namespace Tandem.Cluster.Serving;

/// <summary>
/// A front end's link to the cluster: the Orleans client, the live versions (reread every
/// <see cref="ClusterSearchOptions.RefreshEvery"/>) and the replicas recently found failing. Shared by
/// every <see cref="ClusterIndex"/> the front end serves through; thread-safe.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    readonly IHost host;
    readonly CancellationTokenSource stop = new();
    readonly ConcurrentDictionary<string, long> suspects = new();
    readonly Task refresher;
    readonly ILogger logger;
    volatile LiveVersion[] live;

    ClusterConnection(IHost host, LiveVersion[] live, ClusterSearchOptions options)
    {
        this.host = host;
        this.live = live;
        Options = options;
        Grains = host.Services.GetRequiredService<IClusterClient>();
        logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tandem.Cluster");
        refresher = RefreshAsync();
    }

    /// <summary>The search settings.</summary>
    public ClusterSearchOptions Options { get; }

    /// <summary>The cluster's grains.</summary>
    public IGrainFactory Grains { get; }

    /// <summary>The live versions last read, oldest first.</summary>
    public IReadOnlyList<LiveVersion> Live => live;

    /// <summary>Joins the cluster at <paramref name="cluster"/> and reads its live versions.</summary>
    /// <exception cref="TandemException">Redis does not answer or no silo is up.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterAddress cluster, ClusterSearchOptions options = default, string clusterId = "tandem")
    {
        options = options == default ? new ClusterSearchOptions() : options;
        // A search blocks its request's thread while the shards answer (IVectorIndex is synchronous): start with
        // enough threads that a burst of requests does not wait for the pool to grow one thread at a time.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 128), io);
        var host = await ClusterHosts.ClientAsync(cluster, clusterId);
        var client = host.Services.GetRequiredService<IClusterClient>();
        try { return new ClusterConnection(host, await client.GetGrain<IRolloutGrain>(0).Live(), options); }
        catch (ShardException e)
        {
            await host.StopAsync();
            host.Dispose();
            throw new TandemException(e.Message);
        }
    }

    /// <summary>Rolls <paramref name="version"/> out (two phases, see <see cref="IRolloutGrain.Activate"/>) and returns the live versions.</summary>
    public async Task<LiveVersion[]> RolloutAsync(string version)
    {
        LiveVersion[] versions;
        try { versions = await Grains.GetGrain<IRolloutGrain>(0).Activate(version); }
        catch (ShardException e) { throw new TandemException(e.Message); }
        live = versions;
        return versions;
    }

    /// <summary>The newest live version a front end holding model <paramref name="model"/> of <paramref name="dimension"/>-d may serve (same model, or a version of plain vectors), or null.</summary>
    public LiveVersion? Pick(string model, int dimension)
    {
        var versions = live;
        for (int i = versions.Length - 1; i >= 0; i--)
            if (versions[i].Dimension == dimension && (versions[i].Model is null || versions[i].Model == model)) return versions[i];
        return null;
    }

    /// <summary>Whether the replica was found failing within <see cref="ClusterSearchOptions.SuspectFor"/>.</summary>
    internal bool IsSuspect(ShardKey key) => suspects.TryGetValue(key.ToString(), out long until) && Environment.TickCount64 < until;

    /// <summary>Sets a failing replica aside.</summary>
    internal void Suspect(ShardKey key, Exception error)
    {
        if (!IsSuspect(key)) logger.LogWarning("Replica {Key} failed ({Message}); asking its shard's other replicas for {Seconds} s.", key, error.Message.Split('\n')[0], Options.SuspectFor.TotalSeconds);
        suspects[key.ToString()] = Environment.TickCount64 + (long)Options.SuspectFor.TotalMilliseconds;
    }

    async Task RefreshAsync()
    {
        var rollout = Grains.GetGrain<IRolloutGrain>(0);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.RefreshEvery, stop.Token);
                live = await rollout.Live().WaitAsync(Options.ShardTimeout * 4, stop.Token);
            }
            catch (OperationCanceledException) { }
            // The rollout grain moving silos: keep the versions last read and try again next time.
            catch (Exception e) { logger.LogDebug("Reading the live versions failed: {Message}", e.Message); }
        }
    }

    /// <summary>Leaves the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await refresher;
        await host.StopAsync();
        host.Dispose();
        stop.Dispose();
    }
}
