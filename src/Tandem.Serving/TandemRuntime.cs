using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Serving.Caching;

namespace Tandem.Serving;

/// <summary>The service's parts shared by its middleware and endpoints, made once per host from the validated options.</summary>
sealed class TandemRuntime : IDisposable
{
    readonly RedisEmbeddingStore? redis;
    readonly ModelWatcher? watcher;

    /// <exception cref="OptionsValidationException">A setting is missing or invalid.</exception>
    /// <exception cref="TandemException">The Redis endpoint is not HOST:PORT.</exception>
    public TandemRuntime(IOptions<TandemOptions> options, ModelHolder holder, IMeterFactory meters, ILoggerFactory logs)
    {
        Options = options.Value;
        Holder = holder;
        Logger = logs.CreateLogger("Tandem.Serving");
        var memory = new EmbeddingCache(Options.CacheCapacity, Options.CacheBytes, Options.CacheTtl);
        redis = Options.Redis is { } endpoint ? new RedisEmbeddingStore(endpoint, Options.CacheTtl) : null;
        Metrics = new ServiceMetrics(meters, holder, () => redis?.Errors ?? 0, () => memory.Bytes);
        Users = new UserResolver(memory, redis, Metrics);
        holder.Swapped += _ => memory.Clear();
        Models = new ModelDirectory(Options.ModelDirectory ?? Path.GetDirectoryName(Path.GetFullPath(holder.Path))!);
        watcher = Options.WatchDirectory is { } watch ? new ModelWatcher(watch, holder, Logger) : null;
    }

    public TandemOptions Options { get; }
    public ModelHolder Holder { get; }
    public ILogger Logger { get; }
    public ServiceMetrics Metrics { get; }
    public UserResolver Users { get; }
    public ModelDirectory Models { get; }

    public void Dispose()
    {
        watcher?.Dispose();
        redis?.Dispose();
    }
}
