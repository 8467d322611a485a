using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Datasets;

/// <summary>
/// The Criteo display-advertising format: a 0/1 click label, 13 integer features I1..I13 and
/// 26 hashed categorical features C1..C26. Reads the original tab-separated headerless files
/// (Kaggle <c>train.txt</c>, the 1TB day files) and the comma-separated variant with a header
/// (<c>criteo-10k/criteo_sampled_data_10k.csv</c>); empty fields are missing values.
/// </summary>
public static class Criteo
{
    /// <summary>The column names in file order.</summary>
    public static readonly string[] Columns =
        ["label", .. Enumerable.Range(1, 13).Select(i => $"I{i}"), .. Enumerable.Range(1, 26).Select(i => $"C{i}")];

    /// <summary>
    /// The Kaggle challenge release (train.txt, 45,840,617 rows). Its SHA-256 is not published, so it
    /// is recorded on first download and checked on later ones.
    /// </summary>
    public static DatasetInfo KaggleInfo { get; } = new("criteo-kaggle",
        "https://go.criteo.net/criteo-research-kaggle-display-advertising-challenge-dataset.tar.gz", null, [("train.txt", null)]);

    /// <summary>
    /// Criteo's public sample of the Kaggle training data: <c>dac_sample.tar.gz</c>, holding
    /// <c>dac_sample.txt</c> in the original tab-separated, headerless format (100,000 rows as
    /// commonly described; not verified here). Criteo publishes neither a checksum nor the size, so
    /// the archive's SHA-256 is recorded on first download and checked on later ones.
    /// </summary>
    public static DatasetInfo SampleInfo { get; } = new("criteo-dac-sample",
        "https://labs.criteo.com/wp-content/uploads/2015/04/dac_sample.tar.gz", null, [("dac_sample.txt", null)]);

    /// <summary>Folder name of the 10,000-row sample in the project's shared data (a header+comma copy with no public download of its own; <see cref="SampleInfo"/> is the public sample).</summary>
    public const string Sample10kName = "criteo-10k";

    /// <summary>
    /// The default CTR schema: integers as log1p with the mean imputed for missing values, categories
    /// as vocabularies with <paramref name="minCount"/>, all context features; the label is explicit.
    /// </summary>
    public static FeatureSchema DefaultSchema(int minCount = 1)
    {
        var b = new SchemaBuilder().Interactions(label: "label");
        for (int i = 1; i <= 13; i++) b.Numeric($"I{i}", $"I{i}", Tower.Context, NumericTransform.Log1p, MissingPolicy.ImputeMean);
        for (int i = 1; i <= 26; i++) b.Categorical($"C{i}", $"C{i}", Tower.Context, minCount);
        return b.Build("Criteo");
    }

    /// <summary>Opens a Criteo file in either variant: a first line starting with <c>label,</c> means the comma-separated one with a header.</summary>
    public static IRowReader Open(string path)
    {
        if (!File.Exists(path)) DataThrow.FileNotFound(path, "check the path, --data-dir or TANDEM_DATA");
        string first;
        using (var peek = new StreamReader(path)) first = peek.ReadLine() ?? "";
        return first.StartsWith("label,", StringComparison.Ordinal)
            ? new CsvRowReader(path, ',')
            : new CsvRowReader(path, '\t', Columns);
    }

    /// <summary>Loads a Criteo file with <paramref name="schema"/> (the default if null).</summary>
    public static InteractionLog Load(string path, FeatureSchema? schema = null, ReadOptions options = default, ReadReport? report = null)
    {
        using var reader = Open(path);
        return InteractionLog.Load(schema ?? DefaultSchema(), reader, null, null, options, report);
    }

    /// <summary>Loads the shared 10k sample from the first data folder that has it.</summary>
    public static InteractionLog LoadSample10k(string? dataDir = null, FeatureSchema? schema = null, ReadOptions options = default)
    {
        foreach (var dir in DatasetFetcher.Candidates(Sample10kName, dataDir))
        {
            string path = Path.Combine(dir, "criteo_sampled_data_10k.csv");
            if (File.Exists(path)) return Load(path, schema, options);
        }
        DataThrow.FileNotFound(Path.Combine(dataDir ?? "<data-dir>", Sample10kName, "criteo_sampled_data_10k.csv"), "pass --data-dir or set TANDEM_DATA to the folder holding criteo-10k");
        return null;
    }

    /// <summary>Loads Criteo's public sample (<see cref="SampleInfo"/>), downloading it into the cache if no local copy is found.</summary>
    public static InteractionLog LoadSample(string? dataDir = null, FeatureSchema? schema = null, ReadOptions options = default, HttpClient? http = null, ReadReport? report = null) =>
        Load(Path.Combine(DatasetFetcher.Locate(SampleInfo, dataDir, http), "dac_sample.txt"), schema, options, report);

    /// <summary>Loads the Kaggle release, downloading it into the cache if no local copy is found.</summary>
    public static InteractionLog LoadKaggle(string? dataDir = null, FeatureSchema? schema = null, ReadOptions options = default, HttpClient? http = null) =>
        Load(Path.Combine(DatasetFetcher.Locate(KaggleInfo, dataDir, http), "train.txt"), schema, options);
}
