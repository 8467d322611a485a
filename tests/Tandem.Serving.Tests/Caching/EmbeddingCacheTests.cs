using Microsoft.Extensions.Time.Testing;
using Tandem.Serving.Caching;

namespace Tandem.Serving.Tests.Caching;

public sealed class EmbeddingCacheTests
{
    [Fact]
    public void TheLeastRecentlyUsedEntryIsEvictedWhenFull()
    {
        var cache = new EmbeddingCache(2, TimeSpan.FromMinutes(1));
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
        var cache = new EmbeddingCache(10, TimeSpan.FromSeconds(60), clock);
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
        var cache = new EmbeddingCache(100, TimeSpan.FromMinutes(1));
        Parallel.For(0, 10_000, i =>
        {
            cache.Set($"k{i % 300}", [i]);
            if (cache.TryGet($"k{(i * 7) % 300}", out var v)) Assert.Single(v);
        });
        Assert.Equal(100, cache.Count);
    }
}
