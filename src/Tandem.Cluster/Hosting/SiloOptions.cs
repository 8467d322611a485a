namespace Tandem.Cluster.Hosting;

/// <summary>How <c>tandem silo</c> runs: membership, ports, and the folder of shard versions.</summary>
public readonly record struct SiloOptions
{
    /// <summary>Creates the defaults.</summary>
    public SiloOptions() { }
    /// <summary>Membership: Redis, or localhost clustering. Default localhost.</summary>
    public ClusterAddress Cluster { get; init; } = new((string?)null);
    /// <summary>The folder holding one folder per version (built by <c>tandem index build --shards</c>) and <c>rollout.json</c>; shared by every silo (a shared disk). Required.</summary>
    public string ShardsRoot { get; init; } = "";
    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; init; } = ClusterAddress.LocalSiloPort;
    /// <summary>Gateway port front ends connect to. Default 30000.</summary>
    public int GatewayPort { get; init; } = ClusterAddress.LocalGatewayPort;
    /// <summary>The address other silos and front ends reach this one at. Default 127.0.0.1.</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>Cluster name: silos and front ends with the same name and membership store form one cluster. Default <c>tandem</c>.</summary>
    public string ClusterId { get; init; } = "tandem";
}
