using Microsoft.Extensions.Time.Testing;
using Tandem.Serving.Caching;

namespace Tandem.Serving.Tests.Caching;

public sealed class EmbeddingCacheTests
{
    [Fact]
    public void TheLeastRecentlyUsedEntryIsEvictedWhenFull()
    {
        var cache = new EmbeddingCache(2, 1 << 20, TimeSpan.FromMinutes(1));
        cache.Set("a", [1]);
        cache.Set("b", [2]);
        Assert.True(cache.TryGet("a", out _)); // a is now more recent than b
        cache.Set("c", [3]);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a));
        Assert.True(cache.TryGet("c", out var c));
        Assert.Equal([1f], a);
        Assert.Equal([3f], c);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void EntriesExpireAfterTheirTimeToLiveAndSetRefreshesThem()
    {
        var clock = new FakeTimeProvider();
        var cache = new EmbeddingCache(10, 1 << 20, TimeSpan.FromSeconds(60), clock);
        cache.Set("a", [1]);
        cache.Set("b", [2]);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet("a", out _));
        cache.Set("b", [4]);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out var b));
        Assert.Equal([4f], b);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void ConcurrentUseKeepsTheBound()
    {
        var cache = new EmbeddingCache(100, 1 << 20, TimeSpan.FromMinutes(1));
        Parallel.For(0, 10_000, i =>
        {
            cache.Set($"k{i % 300}", [i]);
            if (cache.TryGet($"k{(i * 7) % 300}", out var v)) Assert.Single(v);
        });
        Assert.Equal(100, cache.Count);
    }

    [Fact]
    public void TheByteBoundEvictsBeforeTheEntryBound()
    {
        // Each entry: 2 bytes per key character + 4 per float + the overhead; room for exactly three.
        long entry = 2 * 2 + 4 * 64 + EmbeddingCache.EntryOverhead;
        var cache = new EmbeddingCache(1000, 3 * entry, TimeSpan.FromMinutes(1));
        for (int i = 0; i < 10; i++) cache.Set($"k{i}", new float[64]);
        Assert.Equal(3, cache.Count);
        Assert.Equal(3 * entry, cache.Bytes);
        Assert.True(cache.TryGet("k9", out _));
        Assert.False(cache.TryGet("k6", out _));
        // An entry larger than the whole cache is not kept, and does not empty it.
        cache.Set("huge", new float[1000]);
        Assert.False(cache.TryGet("huge", out _));
        Assert.Equal(3, cache.Count);
        cache.Clear();
        Assert.Equal(0, cache.Bytes);
    }
}
