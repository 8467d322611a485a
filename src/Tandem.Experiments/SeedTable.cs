using System.Globalization;
using System.Text;

namespace Tandem.Experiments;

/// <summary>A metric over seeds: the mean and the range.</summary>
/// <param name="Mean">Mean over seeds.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public readonly record struct SeedStatistic(double Mean, double Min, double Max)
{
    /// <summary>Max − min: how far seeds alone move the metric.</summary>
    public double Spread => Max - Min;

    /// <summary>The statistic of <paramref name="values"/> (at least one).</summary>
    public static SeedStatistic Of(IReadOnlyCollection<double> values) => new(values.Average(), values.Min(), values.Max());

    /// <summary><c>mean (min–max)</c> with four decimals; just the mean when every seed gave the same.</summary>
    public override string ToString() => Spread == 0 ? F(Mean) : $"{F(Mean)} ({F(Min)}–{F(Max)})";

    internal static string F(double x) => x.ToString("0.0000", CultureInfo.InvariantCulture);
}

/// <summary>Whether a model beats a baseline on a metric by more than the seeds' spread.</summary>
/// <param name="Model">The model.</param>
/// <param name="Baseline">The baseline.</param>
/// <param name="Metric">The metric (higher is better).</param>
/// <param name="Margin">Mean of the model − mean of the baseline.</param>
/// <param name="Spread">The larger of the two spreads (max − min over seeds).</param>
public readonly record struct MarginCheck(string Model, string Baseline, string Metric, double Margin, double Spread)
{
    /// <summary>The margin is positive and larger than the spread.</summary>
    public bool Holds => Margin > Spread;
}

/// <summary>
/// Results of several models over several seeds (one <see cref="ModelResult"/> per model and
/// seed), summarised as mean and range per metric, with margin checks and a Markdown table.
/// Rows keep the order they were first added in. Not thread-safe.
/// </summary>
public sealed class SeedTable
{
    readonly List<string> order = [];
    readonly Dictionary<string, List<ModelResult>> rows = [];

    /// <summary>Adds one seed's result under <paramref name="row"/>.</summary>
    public void Add(string row, ModelResult result)
    {
        if (!rows.TryGetValue(row, out var list)) { rows[row] = list = []; order.Add(row); }
        list.Add(result);
    }

    /// <summary>The rows in order.</summary>
    public IReadOnlyList<string> Rows => order;

    /// <summary><paramref name="metric"/> of <paramref name="row"/> over its seeds.</summary>
    public SeedStatistic this[string row, string metric] => SeedStatistic.Of(rows[row].Select(r => r.Metrics[metric]).ToArray());

    /// <summary>Checks <paramref name="model"/> against each baseline on each metric.</summary>
    public IEnumerable<MarginCheck> Margins(string model, IEnumerable<string> baselines, IEnumerable<string> metrics) =>
        from b in baselines
        from m in metrics
        let x = this[model, m]
        let y = this[b, m]
        select new MarginCheck(model, b, m, x.Mean - y.Mean, Math.Max(x.Spread, y.Spread));

    /// <summary>
    /// A Markdown table: one row per model with each metric as <c>mean (min–max)</c> and the
    /// epochs trained (early stopping's best epoch, as a range over seeds).
    /// </summary>
    public string ToMarkdown(IReadOnlyList<string> metrics)
    {
        var text = new StringBuilder();
        text.AppendLine($"| model | {string.Join(" | ", metrics)} | epochs |");
        text.AppendLine($"| --- |{string.Concat(metrics.Select(_ => " --- |"))} --- |");
        foreach (string row in order)
        {
            var epochs = rows[row].Where(r => r.Training is not null).Select(r => r.Training!.BestEpoch + 1).ToArray();
            string trained = epochs.Length == 0 ? "–" : epochs.Min() == epochs.Max() ? $"{epochs[0]}" : $"{epochs.Min()}–{epochs.Max()}";
            text.AppendLine($"| {row} | {string.Join(" | ", metrics.Select(m => this[row, m].ToString()))} | {trained} |");
        }
        return text.ToString();
    }

    /// <summary>One line per check: <c>margin 0.0234 &gt; spread 0.0054: yes</c>.</summary>
    public static string Describe(IEnumerable<MarginCheck> checks) => string.Concat(checks.Select(c =>
        $"- {c.Model} vs {c.Baseline}, {c.Metric}: margin {SeedStatistic.F(c.Margin)} {(c.Holds ? ">" : "≤")} spread {SeedStatistic.F(c.Spread)}: **{(c.Holds ? "yes" : "no")}**\n"));
}
