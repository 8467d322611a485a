using Tandem.Data.IO;

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

    /// <summary>The data files: those a JSON config names (resolved against its folder), a named dataset's, or those given to <see cref="SchemaBuilder.Files"/>; else empty.</summary>
    public DataFiles Files { get; }

    /// <summary>This schema with each feature replaced by <paramref name="change"/>(feature) (e.g. a longer history).</summary>
    public FeatureSchema With(Func<FeatureSpec, FeatureSpec> change) => new(Interactions, [.. Features.Select(change)], Weighting, Files);

    /// <summary>The feature called <paramref name="name"/>.</summary>
    public FeatureSpec this[string name] => Features.FirstOrDefault(f => f.Name == name)
        ?? throw new KeyNotFoundException($"No feature '{name}'; features: {string.Join(", ", Features.Select(f => f.Name))}.");
}

/// <summary>The files a config names, or a named dataset's (<see cref="Datasets.NamedDataset.Files"/>).</summary>
public readonly record struct DataFiles
{
    /// <summary>The interactions file.</summary>
    public DataFile? Interactions { get; init; }

    /// <summary>The users side table, keyed by the user column.</summary>
    public DataFile? Users { get; init; }

    /// <summary>The items side table, keyed by the item column; it also holds what to show of an item (titles, genres).</summary>
    public DataFile? Items { get; init; }

    /// <summary>These files with relative paths resolved against <paramref name="folder"/>.</summary>
    public DataFiles Resolve(string folder) => new()
    {
        Interactions = Interactions?.Resolve(folder),
        Users = Users?.Resolve(folder),
        Items = Items?.Resolve(folder),
    };
}
