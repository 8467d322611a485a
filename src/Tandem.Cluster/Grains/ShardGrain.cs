using Microsoft.Extensions.Logging;
using Tandem.Cluster.Shards;
using Tandem.Retrieval;

namespace Tandem.Cluster.Grains;

/// <summary>
/// A shard replica (<see cref="IShardGrain"/>): its index loaded from the shard file and its log
/// replayed. Searches interleave and run on the thread pool under a read lock, so one replica answers
/// several at once; adds and removals take the write lock (the indexes allow search with search only).
/// </summary>
[ReplicaPlacement]
sealed class ShardGrain(ShardStore store, ILogger<ShardGrain> logger) : Grain, IShardGrain
{
    readonly ReaderWriterLockSlim gate = new();
    ShardKey key;
    IVectorIndex? index;
    ShardLog? log;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        key = ShardKey.Parse(this.GetPrimaryKeyString());
        logger.LogInformation("Shard replica {Key} placed on {Silo}.", key, RuntimeIdentity);
        return Task.CompletedTask;
    }

    public Task<long> Load()
    {
        EnsureLoaded();
        return Task.FromResult(index!.Count);
    }

    void EnsureLoaded()
    {
        if (index is not null) return;
        try { LoadShard(); }
        catch (TandemException e) { throw new ShardException(e.Message); }
    }

    void LoadShard()
    {
        var manifest = store.Manifest(key.Version);
        string folder = store.Folder(key.Version);
        var loaded = manifest.LoadShard(folder, key.Shard);
        try
        {
            (log, int replayed) = ShardLog.Open(Path.Combine(folder, ShardLog.FileName(key.Shard, key.Replica)), loaded);
            index = loaded;
            logger.LogInformation("Loaded shard {Key}: {Count} items ({Replayed} logged changes replayed).", key, loaded.Count, replayed);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    public Task<ShardAnswer> Search(float[] query, int k, ShardFilter? filter, int efSearch)
    {
        EnsureLoaded();
        var searched = index!;
        return Task.Run(() =>
        {
            var scores = new float[k];
            var ids = new long[k];
            gate.EnterReadLock();
            try
            {
                // Deactivated (its version retired) while this search waited: the index is gone.
                if (!ReferenceEquals(index, searched)) throw new InvalidOperationException($"shard {key} was unloaded");
                searched.Search(query, k, scores, ids, new SearchOptions { Filter = filter is null ? null : IdFilter.Where(filter.Allows), EfSearch = efSearch, Threads = 1 });
            }
            finally { gate.ExitReadLock(); }
            return new ShardAnswer { Version = key.Version, Shard = key.Shard, Scores = scores, Ids = ids };
        });
    }

    public Task<long> Add(float[] vectors, long[] ids)
    {
        EnsureLoaded();
        gate.EnterWriteLock();
        try
        {
            log!.Add(index!, vectors, ids);
            return Task.FromResult(index!.Count);
        }
        finally { gate.ExitWriteLock(); }
    }

    public Task<long> Remove(long[] ids)
    {
        EnsureLoaded();
        gate.EnterWriteLock();
        try { return Task.FromResult(log!.Remove(index!, ids)); }
        finally { gate.ExitWriteLock(); }
    }

    public Task Unload()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        gate.EnterWriteLock();
        try
        {
            log?.Dispose();
            index?.Dispose();
            (log, index) = (null, null);
        }
        finally { gate.ExitWriteLock(); }
        return Task.CompletedTask;
    }
}
