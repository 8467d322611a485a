using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.IO;
using Tandem.Retrieval;

namespace Tandem.Cluster.Shards;

/// <summary>
/// The description of one version's shard files, <c>manifest.json</c> in the version's folder: format
/// name and version, the version id, the model the items were embedded with, the index spec, and per
/// shard its file, item count and content hash. A shard file is an index file (magic, version,
/// checksums from the container); its hash here ties it to this version, so a file copied from another
/// version or model is refused by name.
/// </summary>
public sealed record ShardManifest
{
    /// <summary>The manifest's file name inside a version's folder.</summary>
    public const string FileName = "manifest.json";
    const string FormatName = "tandem-shards";
    const int CurrentFormat = 1;

    /// <summary>Always <c>tandem-shards</c>.</summary>
    public string Format { get; init; } = FormatName;
    /// <summary>Layout version of this manifest; 1.</summary>
    public int FormatVersion { get; init; } = CurrentFormat;
    /// <summary>The version id (the folder's name): letters, digits, '.', '_' and '-'.</summary>
    public required string Version { get; init; }
    /// <summary>The model file version (<c>ServingModel.FileVersion</c>) the items were embedded with; null for items given as vectors, served with any model of their dimension.</summary>
    public string? Model { get; init; }
    /// <summary>Factory string of every shard's index.</summary>
    public required string Spec { get; init; }
    /// <summary>Metric token (ip, cosine, l2).</summary>
    public required string Metric { get; init; }
    /// <summary>Vector length.</summary>
    public required int Dimension { get; init; }
    /// <summary>Copies of each shard the cluster keeps, on different silos.</summary>
    public required int Replicas { get; init; }
    /// <summary>One entry per shard, in shard order.</summary>
    public required ShardEntry[] Shards { get; init; }

    /// <summary>Items over all shards when built.</summary>
    [JsonIgnore] public long Items => Shards.Sum(s => s.Items);

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The shard file name of shard <paramref name="shard"/>.</summary>
    public static string ShardFile(int shard) => $"shard-{shard:D3}.tndx";

    /// <summary>Whether <paramref name="version"/> can name a version (and its folder).</summary>
    public static bool IsVersionId(string version) =>
        version.Length is > 0 and <= 64 && version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && version[0] != '.';

    /// <summary>Writes the manifest into <paramref name="folder"/> atomically.</summary>
    public void Save(string folder) => AtomicFile.WriteText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks the manifest of the version in <paramref name="folder"/>.</summary>
    /// <exception cref="TandemException">It is missing, not JSON, of another format, or inconsistent; the message names the file and the field.</exception>
    public static ShardManifest Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new TandemException($"{path}: no shard manifest; build the version with 'tandem index build --shards S --out {folder}'");
        ShardManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new TandemException($"{path}: not a shard manifest ({e.Message})"); }
        if (manifest is null || manifest.Format != FormatName) throw new TandemException($"{path}: field 'format' is not '{FormatName}'; this is not a shard manifest");
        if (manifest.FormatVersion != CurrentFormat) throw new TandemException($"{path}: field 'formatVersion' is {manifest.FormatVersion}; this Tandem reads {CurrentFormat}");
        if (!IsVersionId(manifest.Version)) throw new TandemException($"{path}: field 'version' '{manifest.Version}' is not a version id (letters, digits, '.', '_', '-')");
        if (manifest.Shards is null || manifest.Shards.Length == 0) throw new TandemException($"{path}: field 'shards' is empty");
        if (manifest.Replicas < 1) throw new TandemException($"{path}: field 'replicas' is {manifest.Replicas}; it must be at least 1");
        if (manifest.Dimension < 1) throw new TandemException($"{path}: field 'dimension' is {manifest.Dimension}; it must be positive");
        return manifest;
    }

    /// <summary>
    /// Loads shard <paramref name="shard"/> of this version from <paramref name="folder"/>, after checking that
    /// the file is the one this manifest lists (its content hash) and that its index matches the manifest.
    /// </summary>
    /// <exception cref="TandemException">The file is missing, belongs to another version or model, or is corrupt.</exception>
    public VectorIndex LoadShard(string folder, int shard)
    {
        if ((uint)shard >= (uint)Shards.Length) throw new TandemException($"{folder}: version {Version} has {Shards.Length} shards, not shard {shard}");
        string path = Path.Combine(folder, Shards[shard].File);
        if (!File.Exists(path)) throw new TandemException($"{path}: shard {shard} of version {Version} is missing");
        string hash = HashOf(path);
        if (hash != Shards[shard].Hash)
            throw new TandemException($"{path}: not shard {shard} of version {Version} (model {Model ?? "none"}): its content hash {hash} is not the manifest's {Shards[shard].Hash}, so it belongs to another version or model; rebuild the version with 'tandem index build --shards'");
        var index = VectorIndex.Load(path);
        if (index.Dimension != Dimension || index.Metric.Token() != Metric || index.Count != Shards[shard].Items)
        {
            index.Dispose();
            throw new TandemException($"{path}: holds {index.Count} {index.Dimension}-d {index.Metric.Token()} items, but the manifest says {Shards[shard].Items} {Dimension}-d {Metric}");
        }
        return index;
    }

    /// <summary>The file's XxHash64, as 16 hex digits.</summary>
    public static string HashOf(string path)
    {
        var hash = new XxHash64();
        using (var stream = File.OpenRead(path)) hash.Append(stream);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}

/// <summary>One shard's file, its item count and its content hash (XxHash64).</summary>
public sealed record ShardEntry(string File, long Items, string Hash);
