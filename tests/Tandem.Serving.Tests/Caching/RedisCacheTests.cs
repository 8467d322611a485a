using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Tandem.Serving.Tests.Caching;

public sealed class RedisCacheTests
{
    static float[] Vector(System.Text.Json.JsonElement answer) => [.. answer.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle())];

    static long Count(string metrics, string layer, string result)
    {
        var match = Regex.Match(metrics, $$"""tandem_embedding_cache_total\{[^}]*layer="{{layer}}",result="{{result}}"\} (\d+)""");
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task ReplicasShareEmbeddingsThroughRedisAndSurviveItGoingDown()
    {
        var model = TrainedModel.Shared;
        using var redis = new RedisServer();
        Action<TandemOptions> options = o => o.Redis = redis.Endpoint;
        await using var first = await RunningService.StartAsync(model.Path, model.Loader(), options);
        await using var second = await RunningService.StartAsync(model.Path, model.Loader(), options);
        const string request = """{ "user": "someone-new", "features": { "history": ["260", "1196", "1210"] } }""";

        var computed = Vector(await first.PostOkAsync("/v1/embed/user", request));
        Assert.Equal(1, Count(await first.Client.GetStringAsync("/metrics"), "redis", "miss"));

        // The key names the model version, so another model never reads this vector. (The write is fire-and-forget: wait for it.)
        using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint))
        {
            string version = (await first.GetJsonAsync("/healthz")).GetProperty("modelVersion").GetString()!;
            string[] keys = [];
            for (var clock = System.Diagnostics.Stopwatch.StartNew(); keys.Length == 0 && clock.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(20))
                keys = [.. connection.GetServer(redis.Endpoint).Keys(pattern: "tandem:user:*").Select(k => k.ToString())];
            var key = Assert.Single(keys);
            // The model version, then a hash of the encoded features: 32 hex digits whatever the request's size.
            Assert.Matches($"^tandem:user:{Regex.Escape(version)}:[0-9a-f]{{32}}$", key);
            Assert.True((await connection.GetDatabase().KeyTimeToLiveAsync(key)) > TimeSpan.FromMinutes(9));
        }

        var shared = Vector(await second.PostOkAsync("/v1/embed/user", request));
        Assert.Equal(computed, shared);
        string metrics = await second.Client.GetStringAsync("/metrics");
        Assert.Equal(1, Count(metrics, "memory", "miss"));
        Assert.Equal(1, Count(metrics, "redis", "hit"));

        // Redis down: answers are computed, counted as Redis errors, never failed.
        redis.Dispose();
        var again = Vector(await second.PostOkAsync("/v1/embed/user", """{ "user": "someone-else", "features": { "history": ["260", "1196", "1210"] } }"""));
        Assert.Equal(computed, again); // an unknown user id is the out-of-vocabulary row: same input, same vector
        await second.PostOkAsync("/v1/recommend", """{ "features": { "history": ["1", "2"] } }""");
        Assert.DoesNotMatch("""tandem_redis_errors\{[^}]*\} 0\n""", await second.Client.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task AnUnreachableRedisAtStartIsNotAnError()
    {
        var model = TrainedModel.Shared;
        await using var service = await RunningService.StartAsync(model.Path, model.Loader(), o => o.Redis = $"127.0.0.1:{RedisServer.FreePort()}");
        var answer = await service.PostOkAsync("/v1/recommend", """{ "features": { "history": ["1", "2"] }, "k": 5 }""");
        Assert.Equal(5, answer.GetProperty("items").GetArrayLength());
        Assert.Matches("""tandem_redis_errors\{[^}]*\} [1-9]""", await service.Client.GetStringAsync("/metrics"));
    }
}
