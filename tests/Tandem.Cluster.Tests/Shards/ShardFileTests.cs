using Tandem.Cluster.Grains;
using Tandem.Cluster.Shards;
using Tandem.Retrieval;
using Tandem.Tests;

namespace Tandem.Cluster.Tests.Shards;

public sealed class ShardFileTests
{
    static (float[] Vectors, long[] Ids) Random(int n, int d, int seed)
    {
        var rng = new Random(seed);
        return ([.. Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble() - 0.5f)], [.. Enumerable.Range(0, n).Select(i => (long)i)]);
    }

    [Fact]
    public void EveryItemIsInExactlyOneShardAndAShardFileOfAnotherVersionIsRefusedByName()
    {
        using var folder = new TempDirectory();
        var (vectors, ids) = Random(600, 8, 1);
        var v1 = ShardBuilder.Build(vectors, ids, 8, Path.Combine(folder.Path, "v1"), new ShardBuildOptions { Shards = 3, Version = "v1", Model = "m-1" });
        ShardBuilder.Build(Random(600, 8, 2).Vectors, ids, 8, Path.Combine(folder.Path, "v2"), new ShardBuildOptions { Shards = 3, Version = "v2", Model = "m-2" });
        Assert.Equal(600, v1.Items);
        var held = Enumerable.Range(0, 3).SelectMany(s =>
        {
            using var index = v1.LoadShard(Path.Combine(folder.Path, "v1"), s);
            var (scores, found) = (new float[600], new long[600]);
            index.Search(vectors.AsSpan(0, 8), 600, scores, found);
            return found.Where(id => id >= 0).ToArray();
        }).Order().ToArray();
        Assert.Equal(ids, held);

        File.Copy(Path.Combine(folder.Path, "v2", ShardManifest.ShardFile(1)), Path.Combine(folder.Path, "v1", ShardManifest.ShardFile(1)), overwrite: true);
        var error = Assert.Throws<TandemException>(() => ShardManifest.Load(Path.Combine(folder.Path, "v1")).LoadShard(Path.Combine(folder.Path, "v1"), 1));
        Assert.Contains("shard-001.tndx: not shard 1 of version v1 (model m-1)", error.Message);
        Assert.Contains("belongs to another version or model", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void AMissingOrForeignManifestIsOneLineNamingTheFile()
    {
        using var folder = new TempDirectory();
        Assert.Contains("no shard manifest", Assert.Throws<TandemException>(() => ShardManifest.Load(folder.Path)).Message);
        File.WriteAllText(folder.File(ShardManifest.FileName), """{"format": "something-else"}""");
        string message = Assert.Throws<TandemException>(() => ShardManifest.Load(folder.Path)).Message;
        Assert.StartsWith($"{folder.File(ShardManifest.FileName)}: not a shard manifest", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void TheLogReplaysAddsAndRemovalsAndDropsARecordACrashCutShort()
    {
        using var folder = new TempDirectory();
        string path = folder.File(ShardLog.FileName(0, 0));
        var (vectors, _) = Random(3, 4, 5);
        using (var index = new FlatIndex(4, Metric.InnerProduct))
        {
            var (log, replayed) = ShardLog.Open(path, index);
            Assert.Equal(0, replayed);
            log.Add(index, vectors, [10, 11, 12]);
            log.Remove(index, [11]);
            log.Dispose();
        }
        // Half of one more add, as a kill mid-write leaves it.
        using (var stream = new FileStream(path, FileMode.Append)) stream.Write(new byte[] { 1, 99, 0, 0 });
        using var reopened = new FlatIndex(4, Metric.InnerProduct);
        var (again, count) = ShardLog.Open(path, reopened);
        again.Dispose();
        Assert.Equal(4, count);
        Assert.Equal(2, reopened.Count);
        var (scores, ids) = (new float[3], new long[3]);
        reopened.Search(vectors.AsSpan(8, 4), 3, scores, ids);
        Assert.Equal([10L, 12L], ids.Where(id => id >= 0).Order().ToArray()); // 11 was removed
    }

    [Fact]
    public void AWireFilterAllowsExactlyWhatItsFilterAllows()
    {
        var odd = IdFilter.Where(id => id % 2 == 1 || id >= 100);
        var wire = ShardFilter.From(odd, universe: 100);
        for (long id = 0; id < 300; id++) Assert.Equal(odd.Allows(id), wire.Allows(id));
        var few = IdFilter.Where(id => id is 3 or 7);
        var allowList = ShardFilter.From(few, universe: 100);
        Assert.False(allowList.Denies);
        Assert.Equal([3L, 7L], allowList.Ids);
    }
}
