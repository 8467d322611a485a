using Tandem.Retrieval;

namespace Tandem.Cluster.Shards;

/// <summary>What <see cref="ShardBuilder.Build"/> makes: the spec, metric, shard and replica counts, the version id and the model.</summary>
public readonly record struct ShardBuildOptions
{
    /// <summary>Creates the defaults.</summary>
    public ShardBuildOptions() { }
    /// <summary>Factory string of each shard's index (<see cref="IndexFactory"/>). Default <c>Flat</c>.</summary>
    public string Spec { get; init; } = "Flat";
    /// <summary>How vectors are compared. Default inner product.</summary>
    public Metric Metric { get; init; } = Metric.InnerProduct;
    /// <summary>Number of shards, each owned by one grain per replica. Default 1.</summary>
    public int Shards { get; init; } = 1;
    /// <summary>Copies of each shard, placed on different silos. Default 1.</summary>
    public int Replicas { get; init; } = 1;
    /// <summary>The version id; the folder written is named after it by convention. Required.</summary>
    public string Version { get; init; } = "";
    /// <summary>The model file version the vectors were embedded with; null for plain vectors.</summary>
    public string? Model { get; init; }
    /// <summary>Vectors per shard used for training (IVF, PQ); 0: all of the shard's.</summary>
    public int TrainSize { get; init; }
}

/// <summary>Partitions a catalogue into shards by <see cref="ShardRouting"/> and writes one index file per shard plus the manifest (last, so a half-built version has none).</summary>
public static class ShardBuilder
{
    /// <summary>Builds the shards of <paramref name="vectors"/> (row i has id <paramref name="ids"/>[i]) into <paramref name="folder"/>; returns the manifest.</summary>
    /// <exception cref="TandemException">An option is invalid or the spec cannot be built.</exception>
    public static ShardManifest Build(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids, int dimension, string folder, ShardBuildOptions options, Action<int, long>? built = null)
    {
        if (options.Shards is < 1 or > 4096) throw new TandemException($"--shards is {options.Shards}; it must be 1..4096");
        if (options.Replicas is < 1 or > 16) throw new TandemException($"--replicas is {options.Replicas}; it must be 1..16");
        if (!ShardManifest.IsVersionId(options.Version)) throw new TandemException($"--version '{options.Version}' is not a version id; use letters, digits, '.', '_' and '-'");
        if (vectors.Length != ids.Length * dimension) throw new ArgumentException($"{ids.Length} ids need {ids.Length * dimension} floats, got {vectors.Length}");
        var owned = new List<int>[options.Shards];
        for (int s = 0; s < owned.Length; s++) owned[s] = [];
        for (int i = 0; i < ids.Length; i++) owned[ShardRouting.ShardOf(ids[i], options.Shards)].Add(i);
        Directory.CreateDirectory(folder);
        var entries = new ShardEntry[options.Shards];
        for (int s = 0; s < options.Shards; s++)
        {
            var rows = owned[s];
            var shardVectors = new float[rows.Count * dimension];
            var shardIds = new long[rows.Count];
            for (int j = 0; j < rows.Count; j++)
            {
                vectors.Slice(rows[j] * dimension, dimension).CopyTo(shardVectors.AsSpan(j * dimension));
                shardIds[j] = ids[rows[j]];
            }
            using var index = IndexFactory.Create(options.Spec, dimension, options.Metric);
            if (!index.IsTrained)
            {
                if (rows.Count == 0) throw new TandemException($"shard {s} of {options.Shards} has no items to train its {options.Spec} index on; use fewer shards");
                int train = options.TrainSize > 0 ? Math.Min(options.TrainSize, rows.Count) : rows.Count;
                index.Train(shardVectors.AsSpan(0, train * dimension));
            }
            index.Add(shardVectors, shardIds);
            string file = ShardManifest.ShardFile(s);
            index.Save(Path.Combine(folder, file));
            entries[s] = new ShardEntry(file, rows.Count, ShardManifest.HashOf(Path.Combine(folder, file)));
            built?.Invoke(s, rows.Count);
        }
        var manifest = new ShardManifest
        {
            Version = options.Version,
            Model = options.Model,
            Spec = options.Spec,
            Metric = options.Metric.Token(),
            Dimension = dimension,
            Replicas = options.Replicas,
            Shards = entries,
        };
        manifest.Save(folder);
        return manifest;
    }
}
