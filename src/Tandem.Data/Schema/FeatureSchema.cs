namespace Tandem.Data.Schema;

/// <summary>
/// The declared features of a model and the interaction columns they are built from. Build one
/// with <see cref="SchemaBuilder"/> in C#, or read one from JSON with <see cref="SchemaJson"/>.
/// Immutable; safe to share between threads.
/// </summary>
public sealed class FeatureSchema
{
    internal FeatureSchema(InteractionColumns interactions, IReadOnlyList<FeatureSpec> features, Weighting weighting, DataFiles files)
    {
        Interactions = interactions;
        Features = features;
        Weighting = weighting;
        Files = files;
    }

    /// <summary>The columns of the interactions file.</summary>
    public InteractionColumns Interactions { get; }

    /// <summary>The features, in declaration order.</summary>
    public IReadOnlyList<FeatureSpec> Features { get; }

    /// <summary>How implicit-feedback examples are weighted.</summary>
    public Weighting Weighting { get; }

    /// <summary>The data files named by a JSON config (paths relative to the config file); empty when built in C#.</summary>
    public DataFiles Files { get; }

    /// <summary>The feature called <paramref name="name"/>.</summary>
    public FeatureSpec this[string name] => Features.FirstOrDefault(f => f.Name == name)
        ?? throw new KeyNotFoundException($"No feature '{name}'; features: {string.Join(", ", Features.Select(f => f.Name))}.");
}

/// <summary>The files a config names.</summary>
public readonly record struct DataFiles
{
    /// <summary>The interactions file.</summary>
    public string? Interactions { get; init; }

    /// <summary>The users side table, keyed by the user column.</summary>
    public string? Users { get; init; }

    /// <summary>The items side table, keyed by the item column.</summary>
    public string? Items { get; init; }
}
