using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Cluster.Serving;
using Tandem.Retrieval;

namespace Tandem.Cluster.Tests;

/// <summary>The cluster end to end on loopback: three silo processes, Redis membership, a front end process.</summary>
[Collection(LoopbackClusterCollection.Name)]
public sealed class ClusterTests(LoopbackCluster cluster)
{
    [Fact]
    public async Task ShardedFlatAnswersExactlyAsOneFlatIndexWithAndWithoutAFilter()
    {
        await RolloutAsync("v1");
        var catalogue = cluster.Catalogue;
        int d = catalogue.Dimension, n = catalogue.ItemKeys.Length;
        using var single = new FlatIndex(d, Metric.InnerProduct);
        single.Add(catalogue.ItemVectors, Enumerable.Range(0, n).Select(i => (long)i).ToArray());
        using var sharded = new ClusterIndex(cluster.Connection, cluster.ModelVersion, d, n);
        Assert.Equal(n, sharded.Count);
        const int k = 10;
        for (int user = 0; user < 100; user++)
        {
            var query = catalogue.UserVectors.AsSpan(user * d, d);
            var seen = catalogue.Seen[user].ToHashSet();
            foreach (var filter in new[] { null, IdFilter.Where(id => !seen.Contains((int)id)) })
            {
                var (expectedScores, expectedIds, scores, ids) = (new float[k], new long[k], new float[k], new long[k]);
                single.Search(query, k, expectedScores, expectedIds, new SearchOptions { Filter = filter });
                sharded.Search(query, k, scores, ids, new SearchOptions { Filter = filter });
                Assert.Equal(expectedIds, ids);
                for (int j = 0; j < k; j++) Assert.Equal(expectedScores[j], scores[j], 1e-6f);
            }
        }
    }

    [Fact]
    public async Task AVersionFlipUnderLoadNeverMixesTwoVersionsInOneAnswer()
    {
        await RolloutAsync("v1");
        await Task.Delay(500); // the front end rereads the live versions every 250 ms
        using var load = new Load(cluster.Http);
        await Task.Delay(1500);
        await RolloutAsync("v2");
        await Task.Delay(2000);
        await RolloutAsync("v1");
        await Task.Delay(1000);
        var result = await load.StopAsync();
        Assert.True(result.Failed == 0, $"{result.Failed} failed requests: {result.FirstError}\n{cluster.Logs}");
        Assert.Equal(0, result.Mixed);
        Assert.True(result.OnlyV1 > 0 && result.OnlyV2 > 0, $"answers from v1 only: {result.OnlyV1}, from v2 only: {result.OnlyV2}");
    }

    // Known defect (issue 17): the kill under load below hits silo 0, which the frozen-silo case already killed, so no
    // replica dies; yet a complete answer lacks the logged item in about half the runs on a quiet machine.
    [Fact(Skip = "issue 17: online item missing from complete answers after the silo-failure case; the case kills an already dead silo")]
    public async Task FailedSilosAreAnsweredFromReplicasOrFlaggedPartialAndOnlineItemsComeBackFromTheLog()
    {
        // One replica per shard, one silo frozen: its shard misses the 500 ms budget; the answer is a 200 naming it.
        await RolloutAsync("r1");
        await Task.Delay(500);
        var frozen = cluster.Silos[0];
        frozen.Signal("STOP");
        try
        {
            var response = await cluster.Http.PostAsJsonAsync("/v1/recommend", new { user = "1", k = 10 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The frozen silo's shard, and any shard whose calls went through its gateway, miss the budget.
            Assert.True(response.Headers.TryGetValues(PartialResults.Header, out var partial), "no partial-result header with a frozen silo");
            Assert.True(Regex.IsMatch(partial.Single(), @"^version r1, shards [0-2](,[0-2])* of 3 missing$"), $"{partial.Single()}\n{cluster.Logs}");
            Assert.Equal(10, Ids(await response.Content.ReadAsStringAsync()).Length);
        }
        finally { frozen.Kill(); }

        // Two replicas per shard: an item added online is logged by both; a silo killed under load costs no request.
        await RolloutAsync("v1");
        var user = cluster.Catalogue.UserVectors.AsSpan(0, cluster.Catalogue.Dimension).ToArray().Select(v => v * 10).ToArray();
        var added = await cluster.Http.PostAsJsonAsync("/v1/items", new { items = new[] { new { id = OnlineItem, vector = user } } });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        try
        {
            Assert.Contains(OnlineItem, Ids(await Recommend("1")));
            var survivor = cluster.Silos[1];
            using (var load = new Load(cluster.Http))
            {
                await Task.Delay(1000);
                cluster.Silos[0].Kill();
                await Task.Delay(4000);
                var result = await load.StopAsync();
                Assert.True(result.Failed == 0, $"{result.Failed} of {result.Ok + result.Failed} requests failed: {result.FirstError}\n{cluster.Logs}");
                Assert.True(result.Ok > 20, $"only {result.Ok} requests answered");
            }
            // The killed silo's replicas came back on the survivor from their shard files plus their write-ahead logs, item included.
            // Reactivation takes a moment on a loaded machine: wait for it, then every answer must hold the item.
            for (var deadline = DateTime.UtcNow.AddSeconds(30); !Ids(await Recommend("1")).Contains(OnlineItem) && DateTime.UtcNow < deadline;) await Task.Delay(500);
            for (int i = 0; i < 6; i++) Assert.Contains(OnlineItem, Ids(await Recommend("1")));
            Assert.Contains("(1 logged changes replayed)", survivor.Log);
        }
        finally { await cluster.Http.DeleteAsync($"/v1/items/{OnlineItem}"); }
    }

    const string OnlineItem = "9000001";

    /// <summary>Rolls a version out, retrying while the cluster still counts a killed silo as alive (phase one cannot load its replicas).</summary>
    async Task RolloutAsync(string version)
    {
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(500))
        {
            try
            {
                await cluster.Connection.RolloutAsync(version);
                await Task.Delay(500);
                return;
            }
            catch (Exception) when (clock.Elapsed < TimeSpan.FromSeconds(30)) { }
        }
    }

    async Task<string> Recommend(string user)
    {
        var response = await cluster.Http.PostAsJsonAsync("/v1/recommend", new { user, k = 10 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    static string[] Ids(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()!)];

    /// <summary>Four clients asking for recommendations in a loop until stopped; each answer classed by the versions its items come from.</summary>
    sealed class Load : IDisposable
    {
        readonly CancellationTokenSource stop = new();
        readonly Task[] workers;
        int ok, failed, onlyV1, onlyV2, mixed;
        string? firstError;

        public Load(HttpClient http) => workers = [.. Enumerable.Range(0, 4).Select(w => Task.Run(() => RunAsync(http, w)))];

        async Task RunAsync(HttpClient http, int worker)
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string user = (1 + (worker * 150 + i) % 600).ToString(System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    var response = await http.PostAsJsonAsync("/v1/recommend", new { user, k = 10 });
                    string body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
                    var ids = Ids(body);
                    bool v2 = ids.Any(id => long.Parse(id) is >= LoopbackCluster.V2Offset and < 2 * LoopbackCluster.V2Offset), v1 = ids.Any(id => long.Parse(id) < LoopbackCluster.V2Offset);
                    Interlocked.Increment(ref ok);
                    if (v1 && v2) Interlocked.Increment(ref mixed);
                    else if (v2) Interlocked.Increment(ref onlyV2);
                    else if (v1) Interlocked.Increment(ref onlyV1);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        }

        public async Task<(int Ok, int Failed, int OnlyV1, int OnlyV2, int Mixed, string? FirstError)> StopAsync()
        {
            stop.Cancel();
            await Task.WhenAll(workers);
            return (ok, failed, onlyV1, onlyV2, mixed, firstError);
        }

        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }
}
