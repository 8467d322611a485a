using Tandem.Models;

namespace Tandem.Serving;

/// <summary>
/// Settings of the Tandem endpoints, bound from the configuration section <c>Tandem</c>
/// (appsettings.json, environment variables such as <c>Tandem__ModelPath</c>) and then from the
/// delegate given to <c>AddTandem</c>; checked when the host starts (<see cref="TandemOptionsValidator"/>).
/// </summary>
public sealed class TandemOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string Section = "Tandem";
    /// <summary>The model file to serve (<c>tandem train</c> writes <c>model.tandem</c>). Required.</summary>
    public string? ModelPath { get; set; }
    /// <summary>Folder holding the model's named dataset, for the items' display fields; null: where the model was trained from. Default null.</summary>
    public string? DataDirectory { get; set; }
    /// <summary>An index file to serve (built by <c>tandem index build --model</c>) instead of building one from the model; read again on every reload. Default null.</summary>
    public string? IndexPath { get; set; }
    /// <summary>Factory string of the index built from the model. Default <c>HNSW32</c>.</summary>
    public string IndexSpec { get; set; } = "HNSW32";
    /// <summary>HNSW efSearch per request; 0: the index's own. Default 64.</summary>
    public int EfSearch { get; set; } = EmbeddedCatalogue.DefaultEfSearch;
    /// <summary>The key <c>POST /admin/reload</c> requires in the <c>X-Api-Key</c> header; null: the endpoint always answers 401. Default null.</summary>
    public string? AdminKey { get; set; }
    /// <summary>Largest request body accepted; larger ones get a 400. Default 64 KiB.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;
    /// <summary>Embeddings of users given by features kept in process. Default 100,000.</summary>
    public int CacheCapacity { get; set; } = 100_000;
    /// <summary>Bytes the in-process embedding cache may hold (keys, vectors and bookkeeping); least recently used entries go first. Default 64 MiB.</summary>
    public long CacheBytes { get; set; } = 64L << 20;
    /// <summary>How long a cached embedding stays valid, in process and in Redis. Default 10 minutes.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Redis server (<c>HOST:PORT</c>) shared by replicas as a second cache level; null: none. Default null.</summary>
    public string? Redis { get; set; }
    /// <summary>The directory <c>/admin/reload</c> may read model files from (relative paths are taken from it); null: the served model file's directory. Default null.</summary>
    public string? ModelDirectory { get; set; }
    /// <summary>A directory watched for new model files (<c>*.tandem</c>); each one written there is loaded and swapped in. Default null.</summary>
    public string? WatchDirectory { get; set; }
}
