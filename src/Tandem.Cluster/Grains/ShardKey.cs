using System.Globalization;

namespace Tandem.Cluster.Grains;

/// <summary>The key of a shard replica's grain: <c>{version}/{shard}/{replica}</c>.</summary>
public readonly record struct ShardKey(string Version, int Shard, int Replica)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Version}/{Shard}/{Replica}");

    /// <summary>Reads a key written by <see cref="ToString"/>.</summary>
    public static ShardKey Parse(string key)
    {
        var parts = key.Split('/');
        return new ShardKey(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
