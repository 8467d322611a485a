using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Tandem.Serving.Tests.Caching;

/// <summary>
/// Issue 18's junk-history flood: 4,000 requests of about 60 KB each against one service with
/// Redis. Junk is a 400 before any cache is touched; long valid histories share the key of their
/// encoded window; memory stays within the configured bounds. Runs alone: the resident set it
/// measures is the whole test process's.
/// </summary>
[Collection(nameof(FloodTests))]
public sealed class FloodTests
{
    [Fact]
    public async Task AJunkHistoryFloodKeepsMemoryAndRedisBounded()
    {
        var model = TrainedModel.Shared;
        using var redis = new RedisServer("--maxmemory", "16mb", "--maxmemory-policy", "allkeys-lru");
        const long cacheBytes = 1 << 20;
        await using var service = await RunningService.StartAsync(model.Path, model.Loader(), o => { o.Redis = redis.Endpoint; o.CacheBytes = cacheBytes; });
        using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.Endpoint},allowAdmin=true");
        var server = connection.GetServer(redis.Endpoint);
        string[] known;
        using (var lease = service.Holder.Acquire()) known = [.. lease.Model.Items.Ids.Take(1000)];
        await service.PostOkAsync("/v1/recommend", """{ "features": { "history": ["1"] } }""");

        // Junk: 5,000 short strings (too many values), one ~60 KB string (not an item), 1,000 ~60-byte
        // strings (not items). Valid: 1,000 known items, the window (first 50) rotating over 200 offsets.
        string junkMany = Body(Enumerable.Range(0, 5000).Select(i => $"j{i:D7}"));
        string junkHuge = Body([new string('x', 60_000)]);
        string junkLong = Body(Enumerable.Range(0, 900).Select(i => $"{i:D4}{new string('y', 56)}"));
        var statuses = new ConcurrentDictionary<int, int>();
        var fields = new ConcurrentDictionary<string, int>();
        // A warm-up round of the same mix first, so pools, JIT and GC budgets are at their working size, and the
        // growth measured is what the flood adds (the issue's service grew by 400 MB: its caches kept every key).
        await FloodAsync(1000);
        statuses.Clear();
        fields.Clear();
        long redisBefore = UsedMemory(server);
        long rssBefore = Rss();
        const int requests = 4000;
        var clock = Stopwatch.StartNew();
        await FloodAsync(requests);
        clock.Stop();

        Task FloodAsync(int count) => Task.WhenAll(Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (int i = c; i < count; i += 4)
            {
                string body = (i % 4) switch
                {
                    0 => junkMany,
                    1 => junkHuge,
                    2 => junkLong,
                    _ => Body(known.Skip(i / 4 % 200).Concat(known.Take(i / 4 % 200))),
                };
                using var response = await service.PostAsync("/v1/recommend", body);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.BadRequest)
                {
                    string field = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString()!;
                    fields.AddOrUpdate(Regex.Replace(field, @"\[\d+\]", "[i]"), 1, (_, n) => n + 1);
                }
            }
        })));

        Assert.Equal(3000, statuses.GetValueOrDefault(400));
        Assert.Equal(1000, statuses.GetValueOrDefault(200));
        Assert.Equal(1000, fields.GetValueOrDefault("features.history"));
        Assert.Equal(2000, fields.GetValueOrDefault("features.history[i]"));

        // Junk cost no cache lookup: only the valid requests (1 + 250 warming up + 1,000) looked up the memory cache.
        string metrics = await service.Client.GetStringAsync("/metrics");
        Assert.Equal(1251, Count(metrics, "memory", "miss") + Count(metrics, "memory", "hit"));
        long held = (long)double.Parse(Regex.Match(metrics, @"^tandem_embedding_cache_bytes\{[^}]*\} (\S+)$", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(held, 1, cacheBytes);

        // Redis holds one small entry per distinct window (fire-and-forget writes: wait for them).
        for (var wait = Stopwatch.StartNew(); server.DatabaseSize() < 201 && wait.Elapsed < TimeSpan.FromSeconds(10);) await Task.Delay(50);
        Assert.Equal(201, server.DatabaseSize());
        long redisGrowth = UsedMemory(server) - redisBefore;
        Assert.True(redisGrowth < 1 << 20, $"Redis grew by {redisGrowth} bytes");
        long rssGrowth = Rss() - rssBefore;
        Assert.True(rssGrowth < 50L << 20, $"the test process grew by {rssGrowth >> 20} MB in {clock.Elapsed.TotalSeconds:F1} s (before {rssBefore >> 20} MB; managed heap {GC.GetTotalMemory(false) >> 20} MB)");
        Console.WriteLine($"flood: {requests} requests in {clock.Elapsed.TotalSeconds:F1} s, RSS {rssBefore / 1e6:F0} +{rssGrowth / 1e6:F1} MB (managed {GC.GetTotalMemory(false) / 1e6:F0} MB, committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6:F0} MB), Redis +{redisGrowth / 1e3:F0} KB, cache {held / 1e3:F0} KB");
    }

    static string Body(IEnumerable<string> history) => JsonSerializer.Serialize(new { features = new { history = history.ToArray() }, k = 10 });

    static long UsedMemory(IServer server) =>
        long.Parse(server.Info("memory").SelectMany(g => g).First(p => p.Key == "used_memory").Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Resident set after a full collection (the service runs in this process).</summary>
    static long Rss()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    static long Count(string metrics, string layer, string result)
    {
        var match = Regex.Match(metrics, $$"""tandem_embedding_cache_total\{[^}]*layer="{{layer}}",result="{{result}}"\} (\d+)""");
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}

/// <summary>The flood test's collection, run after the parallel ones and alone.</summary>
[CollectionDefinition(nameof(FloodTests), DisableParallelization = true)]
public sealed class FloodCollection;
