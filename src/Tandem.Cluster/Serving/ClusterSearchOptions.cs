namespace Tandem.Cluster.Serving;

/// <summary>How a front end searches the cluster: the per-shard time budget and how often it rereads the live versions.</summary>
public readonly record struct ClusterSearchOptions
{
    /// <summary>Creates the defaults.</summary>
    public ClusterSearchOptions() { }
    /// <summary>
    /// Longest wait for one replica's answer; a replica that misses it (or fails) is set aside for
    /// <see cref="SuspectFor"/> and the shard's next replica is asked, twice round, so one shard takes at most
    /// 2 × replicas × this (2 s with two replicas). A shard none of whose replicas answered is named in the partial-result header. Default 500 ms.
    /// </summary>
    public TimeSpan ShardTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How long a replica that failed is asked only after its shard's other replicas. Default 3 s.</summary>
    public TimeSpan SuspectFor { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>How often the live versions are reread from the cluster (a rollout reaches the front end within this). Default 250 ms.</summary>
    public TimeSpan RefreshEvery { get; init; } = TimeSpan.FromMilliseconds(250);
}
