using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Datasets;

/// <summary>
/// A public dataset known by name (<c>ml-100k</c>, <c>criteo</c>, ...): where it comes from, its
/// files and how to read them, and a default schema describing them.
/// <code>
/// var ml = NamedDataset.Find("ml-1m");
/// FeatureSchema schema = ml.Schema(dataDir);   // default features, schema.Files set to the located files
/// InteractionLog log = InteractionLog.Load(schema);
/// </code>
/// The folder is looked for under <c>--data-dir</c>, <c>TANDEM_DATA</c> and the cache before
/// downloading (<see cref="DatasetFetcher"/>). Immutable; safe to share between threads.
/// </summary>
public sealed class NamedDataset
{
    readonly DataFiles files;
    readonly Func<SchemaBuilder> features;

    internal NamedDataset(DatasetInfo source, string description, DataFiles files, Func<SchemaBuilder> features, IReadOnlyList<string> displayColumns)
    {
        Source = source;
        Description = description;
        this.files = files;
        this.features = features;
        DisplayColumns = displayColumns;
    }

    /// <summary>Every named dataset: the MovieLens releases, then the Criteo ones.</summary>
    public static IReadOnlyList<NamedDataset> All { get; } = [.. MovieLens.Releases(), .. Criteo.Releases()];

    /// <summary>The name, also the folder name under a data directory or the cache.</summary>
    public string Name => Source.Name;

    /// <summary>One line saying what the dataset is.</summary>
    public string Description { get; }

    /// <summary>Where it is downloaded from and the files its folder must hold (no URL: local only).</summary>
    public DatasetInfo Source { get; }

    /// <summary>Columns of the items file worth showing beside an item's id (MovieLens: title, genres); empty if none.</summary>
    public IReadOnlyList<string> DisplayColumns { get; }

    /// <summary>The dataset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="DataException">No dataset has that name; the message lists the known ones.</exception>
    public static NamedDataset Find(string name)
    {
        var found = All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        if (found is null) DataThrow.Data($"unknown dataset \"{name}\"; known datasets: {string.Join(", ", All.Select(d => d.Name))}");
        return found;
    }

    /// <summary>The dataset's folder, downloading it if no local copy is found.</summary>
    /// <exception cref="DataException">No local copy and no download (none published, or it failed or its checksum did not match).</exception>
    public string Locate(string? dataDir = null, HttpClient? http = null) => DatasetFetcher.Locate(Source, dataDir, http);

    /// <summary>The files in the dataset's folder (<see cref="Locate"/>), each saying how to read it.</summary>
    public DataFiles Files(string? dataDir = null, HttpClient? http = null) => files.Resolve(Locate(dataDir, http));

    /// <summary>The default schema (see the dataset's documentation in docs/data.md), its <see cref="FeatureSchema.Files"/> set to <see cref="Files"/>.</summary>
    public FeatureSchema Schema(string? dataDir = null, HttpClient? http = null) => features().Files(Files(dataDir, http)).Build(Name);

    /// <summary>The default schema without files: no look-up, no download (e.g. to rebuild a saved model's features, then <see cref="Load"/> with it).</summary>
    public FeatureSchema DefaultSchema() => features().Build(Name);

    /// <summary>Reads the dataset with <paramref name="schema"/>'s features (the default schema if null) from its files.</summary>
    /// <exception cref="DataException">The dataset is not found, a column is missing, or a row is bad and bad rows are not skipped.</exception>
    public InteractionLog Load(string? dataDir = null, FeatureSchema? schema = null, ReadOptions options = default, ReadReport? report = null, HttpClient? http = null)
    {
        var f = Files(dataDir, http);
        return InteractionLog.Load(schema ?? features().Files(f).Build(Name), f.Interactions!, f.Users, f.Items, options, report);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
