using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Datasets;

/// <summary>
/// The Criteo display-advertising format: a 0/1 click label, 13 integer features I1..I13 and
/// 26 hashed categorical features C1..C26. The original files (Kaggle <c>train.txt</c>,
/// <c>dac_sample.txt</c>, the 1TB day files) are tab-separated without a header; the project's
/// <c>criteo-10k</c> sample is comma-separated with a header. Empty fields are missing values.
/// </summary>
public static class Criteo
{
    /// <summary>The column names in file order.</summary>
    public static readonly string[] Columns =
        ["label", .. Enumerable.Range(1, 13).Select(i => $"I{i}"), .. Enumerable.Range(1, 26).Select(i => $"C{i}")];

    /// <summary>
    /// <c>criteo</c>: Criteo's public sample of the Kaggle training data, <c>dac_sample.tar.gz</c> holding
    /// <c>dac_sample.txt</c> (100,000 rows as commonly described; not verified here); <c>criteo-kaggle</c>:
    /// the challenge's <c>train.txt</c> (45,840,617 rows); <c>criteo-10k</c>: the project's shared
    /// 10,000-row header+comma copy, with no public download of its own. Criteo publishes no checksums
    /// (nor sizes), so an archive's SHA-256 is recorded on first download and checked on later ones.
    /// </summary>
    internal static IEnumerable<NamedDataset> Releases() =>
    [
        Original("criteo", "https://labs.criteo.com/wp-content/uploads/2015/04/dac_sample.tar.gz", "dac_sample.txt",
            "Criteo's public sample of the Kaggle display-advertising data (dac_sample.txt, tab-separated, no header)"),
        Original("criteo-kaggle", "https://go.criteo.net/criteo-research-kaggle-display-advertising-challenge-dataset.tar.gz", "train.txt",
            "Criteo Kaggle display-advertising challenge training data: 45,840,617 rows (train.txt, tab-separated, no header)"),
        new(new DatasetInfo("criteo-10k", null, null, [("criteo_sampled_data_10k.csv", null)]),
            "10,000 Criteo rows with a header, comma-separated (the project's shared sample; no public download)",
            new DataFiles { Interactions = "criteo_sampled_data_10k.csv" }, () => Features(1), []),
    ];

    static NamedDataset Original(string name, string url, string file, string description) =>
        new(new DatasetInfo(name, url, null, [(file, null)]), description, new DataFiles { Interactions = File(file, header: false) }, () => Features(1), []);

    /// <summary>
    /// The default CTR schema: integers as log1p (or <paramref name="numeric"/>, e.g. the winners'
    /// <see cref="NumericTransform.LogSquared"/> buckets) with the mean imputed for missing values,
    /// categories as vocabularies with <paramref name="minCount"/>, all context features; the label is explicit.
    /// </summary>
    public static FeatureSchema DefaultSchema(int minCount = 1, NumericTransform numeric = NumericTransform.Log1p) => Features(minCount, numeric).Build("Criteo");

    static SchemaBuilder Features(int minCount, NumericTransform numeric = NumericTransform.Log1p)
    {
        var b = new SchemaBuilder().Interactions(label: "label");
        for (int i = 1; i <= 13; i++) b.Numeric($"I{i}", $"I{i}", Tower.Context, numeric, MissingPolicy.ImputeMean);
        for (int i = 1; i <= 26; i++) b.Categorical($"C{i}", $"C{i}", Tower.Context, minCount);
        return b;
    }

    /// <summary>A Criteo file in either variant: a first line starting with <c>label,</c> means the comma-separated one with a header.</summary>
    /// <exception cref="DataException">The file is missing.</exception>
    public static DataFile File(string path)
    {
        if (!System.IO.File.Exists(path)) DataThrow.FileNotFound(path, "check the path, --data-dir or TANDEM_DATA");
        string first;
        using (var peek = new StreamReader(path)) first = peek.ReadLine() ?? "";
        return File(path, header: first.StartsWith("label,", StringComparison.Ordinal));
    }

    static DataFile File(string path, bool header) =>
        header ? new DataFile(path) { Separator = "," } : new DataFile(path) { Header = false, Columns = Columns, Separator = "\t" };

    /// <summary>Loads a Criteo file (<see cref="File(string)"/>) with <paramref name="schema"/> (the default if null).</summary>
    public static InteractionLog Load(string path, FeatureSchema? schema = null, ReadOptions options = default, ReadReport? report = null) =>
        InteractionLog.Load(schema ?? DefaultSchema(), File(path), null, null, options, report);
}
