using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Tandem.Cluster.Grains;

namespace Tandem.Cluster.Hosting;

/// <summary>Builds the Orleans hosts: a silo that owns shard replicas, and the client a front end searches through.</summary>
public static class ClusterHosts
{
    /// <summary>The service id every Tandem cluster shares (the cluster id tells clusters apart).</summary>
    const string ServiceId = "tandem";

    /// <summary>A silo host (not started) over the shard versions under <see cref="SiloOptions.ShardsRoot"/>.</summary>
    /// <exception cref="TandemException">An option is invalid or Redis does not answer.</exception>
    public static IHost Silo(SiloOptions options)
    {
        if (!Directory.Exists(options.ShardsRoot)) throw new TandemException($"--shards-root '{options.ShardsRoot}' is not a folder; give the folder 'tandem index build --shards' wrote versions into");
        if (!IPAddress.TryParse(options.Host, out var address)) throw new TandemException($"--host '{options.Host}' is not an IP address");
        options.Cluster.CheckReachable();
        var builder = Builder();
        builder.Services.AddSingleton(new ShardStore(options.ShardsRoot));
        builder.UseOrleans(silo =>
        {
            if (options.Cluster.Redis is { } redis) silo.UseRedisClustering(redis);
            else silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, ServiceId));
            // A killed silo is declared dead after two missed one-second probes (the default takes about half a minute), so its shards move within seconds.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
            silo.Services.AddPlacementDirector<ReplicaPlacement, ReplicaPlacementDirector>();
        });
        return builder.Build();
    }

    /// <summary>A started client of the cluster at <paramref name="cluster"/>.</summary>
    /// <exception cref="TandemException">Redis does not answer or no silo of the cluster is up.</exception>
    public static async Task<IHost> ClientAsync(ClusterAddress cluster, string clusterId = "tandem", CancellationToken cancellation = default)
    {
        cluster.CheckReachable();
        var builder = Builder();
        // A front end's client logs every failed connection to a dead silo with its stack: errors only (its own failover lines stay).
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            if (cluster.Redis is { } redis) client.UseRedisClustering(redis);
            else client.UseLocalhostClustering(ClusterAddress.LocalGatewayPort);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, ServiceId));
            // Gateways that left are dropped within a second rather than a minute.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        try { await host.StartAsync(cancellation); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new TandemException($"cannot join cluster '{clusterId}' at {cluster.Redis ?? "localhost"}: no silo answers ({e.Message.Split('\n')[0].TrimEnd('.')}); start 'tandem silo' first");
        }
        return host;
    }

    static HostApplicationBuilder Builder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // Orleans logs its start-up at Information: keep it to warnings; Tandem's own lines stay.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        return builder;
    }
}
