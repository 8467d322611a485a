using Tandem.Cluster.Grains;
using Tandem.Cluster.Shards;
using Tandem.Retrieval;
using Tandem.Serving.Api;
using Tandem.Tensors;

namespace Tandem.Cluster.Serving;

/// <summary>
/// The service's index when the items live in a cluster: each search pins one live version (the newest
/// built for this front end's model), scatters the query to one replica of each of its shards, checks
/// that every answer comes from that version, and merges the shards' top K exactly (the best K of the
/// union of each shard's best K is the best K overall). A shard whose replicas all fail is left out and
/// named through <see cref="PartialResults"/>. Adds and removals go to every replica of the owning shard.
/// Thread-safe; disposing it leaves the shared <see cref="ClusterConnection"/> open.
/// </summary>
/// <param name="connection">The cluster.</param>
/// <param name="model">The served model's version (<c>ServingModel.FileVersion</c>); only versions built from it (or from plain vectors) are searched.</param>
/// <param name="dimension">The model's embedding width.</param>
/// <param name="universe">Catalogue size: filters are sent to shards as id lists over ids below it (see <see cref="ShardFilter.From"/>).</param>
public sealed class ClusterIndex(ClusterConnection connection, string model, int dimension, long universe) : IVectorIndex
{
    long requests;

    /// <inheritdoc/>
    public int Dimension => dimension;

    /// <inheritdoc/>
    public Metric Metric => Version() is { } v ? MetricExtensions.Parse(v.Metric) : Metric.InnerProduct;

    /// <inheritdoc/>
    public long Count => Version()?.Items ?? 0;

    /// <inheritdoc/>
    public bool IsTrained => true;

    /// <inheritdoc/>
    public string Spec => Version() is { } v ? $"cluster {v.Version}: {v.Shards} x {v.Spec}, {v.Replicas} replicas" : "cluster (no live version)";

    LiveVersion? Version() => connection.Pick(model, dimension);

    LiveVersion Pinned() => Version() ?? throw new RequestException("cluster",
        $"no live version of the cluster was built for model {model} ({dimension}-d); build one with 'tandem index build --model MODEL --shards S' and roll it out with 'tandem cluster rollout'", 503);

    /// <inheritdoc/>
    public void Train(ReadOnlySpan<float> vectors) => throw new NotSupportedException("a cluster's shards are trained when built ('tandem index build --shards')");

    /// <inheritdoc/>
    public void Search(ReadOnlySpan<float> queries, int k, Span<float> scores, Span<long> ids, SearchOptions options = default)
    {
        if (queries.Length % dimension != 0) throw new ArgumentException($"queries are not a whole number of {dimension}-d vectors");
        if (k <= 0) throw new ArgumentException($"k must be positive, got {k}");
        int n = queries.Length / dimension;
        if (scores.Length < n * k || ids.Length < n * k) throw new ArgumentException($"{n} queries for k={k} need {n * k} scores and ids");
        var version = Pinned();
        var filter = options.Filter is null ? null : ShardFilter.From(options.Filter, universe);
        for (int q = 0; q < n; q++)
        {
            var answers = SearchAsync(version, queries.Slice(q * dimension, dimension).ToArray(), k, filter, options.EfSearch).GetAwaiter().GetResult();
            Merge(version, answers, k, scores.Slice(q * k, k), ids.Slice(q * k, k));
        }
    }

    async Task<ShardAnswer?[]> SearchAsync(LiveVersion version, float[] query, int k, ShardFilter? filter, int efSearch)
    {
        long request = Interlocked.Increment(ref requests);
        var answers = await Task.WhenAll(Enumerable.Range(0, version.Shards).Select(s => ShardAsync(version, s, request, replica => replica.Search(query, k, filter, efSearch))));
        var missing = Enumerable.Range(0, version.Shards).Where(s => answers[s] is null).ToArray();
        if (missing.Length > 0) PartialResults.Missing(version.Version, version.Shards, missing);
        return answers;
    }

    /// <summary>
    /// Asks shard <paramref name="shard"/>'s replicas in turn (healthy ones first, starting at one chosen by the
    /// request number) until one answers for the pinned version within the budget; null if none does. Two
    /// passes: a call routed through the gateway of a silo that just died fails, and its retry takes another.
    /// </summary>
    async Task<ShardAnswer?> ShardAsync(LiveVersion version, int shard, long request, Func<IShardGrain, Task<ShardAnswer>> ask)
    {
        var keys = Enumerable.Range(0, version.Replicas).Select(r => new ShardKey(version.Version, shard, (int)((request + r) % version.Replicas)))
            .OrderBy(connection.IsSuspect).ToArray();
        foreach (var key in keys.Concat(keys))
        {
            try
            {
                var answer = await ask(connection.Grains.GetGrain<IShardGrain>(key.ToString())).WaitAsync(connection.Options.ShardTimeout);
                if (answer.Version == version.Version && answer.Shard == shard) return answer;
                connection.Suspect(key, new InvalidOperationException($"answered for {answer.Version}/{answer.Shard}, not {version.Version}/{shard}"));
            }
            catch (Exception e) { connection.Suspect(key, e); }
        }
        return null;
    }

    /// <summary>The best <paramref name="k"/> of the shards' answers, best first, padded with -1.</summary>
    static void Merge(LiveVersion version, ShardAnswer?[] answers, int k, Span<float> scores, Span<long> ids)
    {
        var metric = MetricExtensions.Parse(version.Metric);
        float sign = metric.HigherIsBetter() ? -1 : 1;
        var top = new TopK<long>(k);
        foreach (var answer in answers)
        {
            if (answer is null) continue;
            for (int j = 0; j < answer.Ids.Length && answer.Ids[j] >= 0; j++) top.Push(sign * answer.Scores[j], answer.Ids[j]);
        }
        int found = top.Drain(scores, ids);
        for (int j = 0; j < found; j++) scores[j] *= sign;
        scores[found..].Fill(metric.PadScore());
        ids[found..].Fill(-1);
    }

    /// <inheritdoc/>
    /// <exception cref="RequestException">A replica of an owning shard did not take the write (503: retry; adds replace, so a retry is safe).</exception>
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        if (vectors.Length != ids.Length * dimension) throw new ArgumentException($"{ids.Length} ids need {ids.Length * dimension} floats");
        var version = Pinned();
        var byShard = new Dictionary<int, (List<float> Vectors, List<long> Ids)>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0) throw new RequestException("items", $"id {ids[i]} is negative");
            int s = ShardRouting.ShardOf(ids[i], version.Shards);
            if (!byShard.TryGetValue(s, out var batch)) byShard[s] = batch = ([], []);
            batch.Vectors.AddRange(vectors.Slice(i * dimension, dimension));
            batch.Ids.Add(ids[i]);
        }
        WriteAll(version, byShard.Keys, (s, grain) => grain.Add([.. byShard[s].Vectors], [.. byShard[s].Ids]));
    }

    /// <inheritdoc/>
    public long Remove(ReadOnlySpan<long> ids)
    {
        var version = Pinned();
        var byShard = ids.ToArray().GroupBy(id => ShardRouting.ShardOf(id, version.Shards)).ToDictionary(g => g.Key, g => g.ToArray());
        var removed = WriteAll(version, byShard.Keys, (s, grain) => grain.Remove(byShard[s]));
        // Every replica removed the same ids: count them once, from replica 0 of each shard.
        return removed.Where(r => r.Key.Replica == 0).Sum(r => r.Value);
    }

    /// <summary>Applies a write to every replica of <paramref name="shards"/>; all must take it within the budget.</summary>
    Dictionary<ShardKey, long> WriteAll(LiveVersion version, IEnumerable<int> shards, Func<int, IShardGrain, Task<long>> write)
    {
        var keys = shards.SelectMany(s => Enumerable.Range(0, version.Replicas).Select(r => new ShardKey(version.Version, s, r))).ToArray();
        var tasks = keys.Select(key => write(key.Shard, connection.Grains.GetGrain<IShardGrain>(key.ToString())).WaitAsync(connection.Options.ShardTimeout * 4)).ToArray();
        try { Task.WhenAll(tasks).GetAwaiter().GetResult(); }
        catch (Exception)
        {
            var failed = keys.Where((_, i) => !tasks[i].IsCompletedSuccessfully).ToArray();
            foreach (var (key, task) in keys.Zip(tasks).Where(p => !p.Second.IsCompletedSuccessfully)) connection.Suspect(key, task.Exception?.InnerException ?? new TimeoutException());
            throw new RequestException("items", $"replicas {string.Join(", ", failed)} did not take the change (the others did); retry, a repeated add or removal is harmless", 503);
        }
        return keys.Zip(tasks).ToDictionary(p => p.First, p => p.Second.Result);
    }

    /// <summary>Nothing to free: the connection is the front end's.</summary>
    public void Dispose() { }
}
