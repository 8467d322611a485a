using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tandem.Serving;

/// <summary>
/// The service's metrics as <see cref="System.Diagnostics.Metrics"/> instruments of the meter
/// <see cref="MeterName"/>, made by the host's <see cref="IMeterFactory"/> (so several services in
/// one process keep their own counts): requests by endpoint and status, latency histograms by
/// endpoint, cache hits and misses by layer, Redis errors, index size, users, catalogue items and the
/// model version. Any OpenTelemetry exporter can read them; <c>MapTandem</c> serves them to
/// Prometheus at <c>/metrics</c>. Thread-safe.
/// </summary>
public sealed class ServiceMetrics
{
    /// <summary>The name of the service's meter (add it to an OpenTelemetry <c>MeterProviderBuilder</c> to export elsewhere).</summary>
    public const string MeterName = "Tandem.Serving";

    readonly Counter<long> requests;
    readonly Histogram<double> latency;
    readonly Counter<long> cache;

    /// <summary>Instruments over <paramref name="holder"/>'s model, the Redis error count and the cache's bytes, on a meter of <paramref name="meters"/>.</summary>
    public ServiceMetrics(IMeterFactory meters, ModelHolder holder, Func<long> redisErrorCount, Func<long> cacheByteCount)
    {
        var meter = meters.Create(MeterName);
        requests = meter.CreateCounter<long>("tandem.requests", description: "Requests answered, by endpoint and HTTP status.");
        // 100 µs to about 3.3 s, doubling: the 5 ms bar falls between buckets of 3.2 and 6.4 ms.
        latency = meter.CreateHistogram("tandem.request.duration", "s", "Time from reading the request to the end of the response, by endpoint.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [.. Enumerable.Range(0, 16).Select(i => 0.0001 * Math.Pow(2, i))] });
        cache = meter.CreateCounter<long>("tandem.embedding_cache", description: "User-embedding cache lookups by layer (memory, redis) and result (hit, miss).");
        meter.CreateObservableGauge("tandem.index_items", () => Observe(holder, m => m.Index.Count), description: "Items in the served index.");
        meter.CreateObservableGauge("tandem.known_users", () => Observe(holder, m => m.Users.Count), description: "Users known by id.");
        meter.CreateObservableGauge("tandem.catalogue_items", () => Observe(holder, m => m.Items.Count), description: "Items with embeddings and attributes.");
        meter.CreateObservableGauge("tandem.redis_errors", redisErrorCount, description: "Redis reads and writes that failed (the service computed instead).");
        meter.CreateObservableGauge("tandem.embedding_cache_bytes", cacheByteCount, description: "Bytes held by the in-process user-embedding cache (keys, vectors, bookkeeping).");
        meter.CreateObservableGauge("tandem.model_info", () => Observe(holder, m => 1, m => new("version", m.Version)), description: "1 for the model version being served.");
    }

    /// <summary>One measurement of the served model, none before it is loaded.</summary>
    static IEnumerable<Measurement<long>> Observe(ModelHolder holder, Func<ServingModel, long> value, Func<ServingModel, KeyValuePair<string, object?>>? tag = null)
    {
        if (!holder.IsLoaded) return [];
        using var lease = holder.Acquire();
        var model = lease.Model;
        return [tag is null ? new(value(model)) : new(value(model), tag(model))];
    }

    /// <summary>Counts one answered request and its latency.</summary>
    public void Observe(string endpoint, int status, double seconds)
    {
        requests.Add(1, new("endpoint", endpoint), new("code", status));
        latency.Record(seconds, new KeyValuePair<string, object?>("endpoint", endpoint));
    }

    /// <summary>Counts a cache lookup.</summary>
    public void Cache(string layer, bool hit) => cache.Add(1, new("layer", layer), new("result", hit ? "hit" : "miss"));
}
