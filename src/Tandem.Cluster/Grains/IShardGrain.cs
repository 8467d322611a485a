using Orleans.Concurrency;

namespace Tandem.Cluster.Grains;

/// <summary>
/// One replica of one shard of one version, keyed <c>{version}/{shard}/{replica}</c>: owns that shard's index
/// (loaded from the version's shard file plus the replica's write-ahead log on activation) and is placed
/// so that the replicas of a shard sit on different silos (<see cref="ReplicaPlacement"/>).
/// </summary>
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Loads the shard if it is not yet (phase one of a rollout); returns its item count.</summary>
    Task<long> Load();

    /// <summary>The shard's best <paramref name="k"/> items for <paramref name="query"/> under <paramref name="filter"/>.</summary>
    [AlwaysInterleave]
    Task<ShardAnswer> Search(float[] query, int k, ShardFilter? filter, int efSearch);

    /// <summary>Adds (or replaces) items, logged before they are applied; returns the shard's item count.</summary>
    Task<long> Add(float[] vectors, long[] ids);

    /// <summary>Removes items, logged before they are applied; returns how many were present.</summary>
    Task<long> Remove(long[] ids);

    /// <summary>Frees the shard (its version was retired).</summary>
    Task Unload();
}

/// <summary>The cluster's record of its versions (one grain, key 0), kept in <c>rollout.json</c> under the shards root so it outlives any silo.</summary>
public interface IRolloutGrain : IGrainWithIntegerKey
{
    /// <summary>The live versions, oldest first; the last is the current one.</summary>
    Task<LiveVersion[]> Live();

    /// <summary>Two-phase rollout: loads every replica of every shard of <paramref name="version"/>, then (only if all loaded) makes it current in one write; the previous current stays live, older ones are retired.</summary>
    Task<LiveVersion[]> Activate(string version);
}
