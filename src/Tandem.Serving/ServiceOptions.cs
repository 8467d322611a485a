namespace Tandem.Serving;

/// <summary>Settings of <see cref="TandemService"/>. The admin API key is read from configuration (<c>Tandem:AdminKey</c>), not from here.</summary>
public readonly record struct ServiceOptions
{
    /// <summary>Creates the defaults.</summary>
    public ServiceOptions() { }
    /// <summary>Where to listen (Kestrel URLs, <c>;</c>-separated); port 0 picks a free one. Default <c>http://127.0.0.1:5080</c>.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";
    /// <summary>Largest request body accepted; larger ones get a 400. Default 64 KiB.</summary>
    public long MaxBodyBytes { get; init; } = 64 * 1024;
    /// <summary>Embeddings of users given by features kept in process. Default 100,000.</summary>
    public int CacheCapacity { get; init; } = 100_000;
    /// <summary>Bytes the in-process embedding cache may hold (keys, vectors and bookkeeping); least recently used entries go first. Default 64 MiB.</summary>
    public long CacheBytes { get; init; } = 64L << 20;
    /// <summary>How long a cached embedding stays valid, in process and in Redis. Default 10 minutes.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Redis server (<c>HOST:PORT</c>) shared by replicas as a second cache level; null: none. Default null.</summary>
    public string? Redis { get; init; }
    /// <summary>The directory <c>/admin/reload</c> may read model files from (relative paths are taken from it); null: the served model file's directory. Default null.</summary>
    public string? ModelDirectory { get; init; }
    /// <summary>A directory watched for new model files (<c>*.tandem</c>); each one written there is loaded and swapped in. Default null.</summary>
    public string? WatchDirectory { get; init; }
    /// <summary>Extra configuration entries (e.g. <c>Tandem:AdminKey</c>) layered over appsettings.json and the environment. Default none.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }
}
