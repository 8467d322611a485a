using System.Collections.Concurrent;
using Tandem.Cluster.Shards;

namespace Tandem.Cluster.Grains;

/// <summary>A silo's view of the shards root: one folder per version (its manifest, shard files and logs) and <c>rollout.json</c>. Manifests are read once per version.</summary>
public sealed class ShardStore(string root)
{
    readonly ConcurrentDictionary<string, ShardManifest> manifests = new();

    /// <summary>The folder holding every version's folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The folder of <paramref name="version"/>.</summary>
    public string Folder(string version) => Path.Combine(Root, version);

    /// <summary>The checked manifest of <paramref name="version"/>.</summary>
    /// <exception cref="TandemException">The version is not a valid id, has no folder, or its manifest is bad or names another version.</exception>
    public ShardManifest Manifest(string version) => manifests.GetOrAdd(version, v =>
    {
        if (!ShardManifest.IsVersionId(v)) throw new TandemException($"'{v}' is not a version id (letters, digits, '.', '_', '-')");
        var manifest = ShardManifest.Load(Folder(v));
        if (manifest.Version != v) throw new TandemException($"{Path.Combine(Folder(v), ShardManifest.FileName)}: field 'version' is '{manifest.Version}' but the folder is version '{v}'; a version's folder is named after it");
        return manifest;
    });
}
