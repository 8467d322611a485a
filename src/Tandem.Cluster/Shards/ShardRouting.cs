namespace Tandem.Cluster.Shards;

/// <summary>Which shard owns an item: a hash of its id (SplitMix64's finaliser), so ids spread evenly whatever their pattern.</summary>
public static class ShardRouting
{
    /// <summary>The shard, 0 .. <paramref name="shards"/>-1, that owns item <paramref name="id"/>.</summary>
    public static int ShardOf(long id, int shards)
    {
        ulong z = (ulong)id + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) % (ulong)shards);
    }
}
