using System.Globalization;
using System.Text;

namespace Tandem.Evaluation.Ranking;

/// <summary>
/// The result of a full-catalogue ranking evaluation: every metric of <see cref="MetricNames.All"/>
/// by name, and how many users it covers. Users without held-out items are skipped and counted in
/// <see cref="UsersSkipped"/>.
/// </summary>
public sealed record RankingReport
{
    /// <summary>The cutoff K.</summary>
    public required int K { get; init; }

    /// <summary>Catalogue size: items ranked per user before exclusion.</summary>
    public required int ItemCount { get; init; }

    /// <summary>Users with at least one held-out item; the per-user metrics are means over them.</summary>
    public required int UsersEvaluated { get; init; }

    /// <summary>Users without held-out items, left out of every metric.</summary>
    public required int UsersSkipped { get; init; }

    /// <summary>(User, held-out item) pairs ranked; the rank statistics pool over them.</summary>
    public required int HeldOutItems { get; init; }

    /// <summary>Metric name (see <see cref="MetricNames"/>) → value.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>The value of metric <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The report has no such metric.</exception>
    public double this[string name] => Metrics.TryGetValue(name, out double value) ? value
        : throw new KeyNotFoundException($"The report has no metric '{name}'; it has {string.Join(", ", MetricNames.All(K))}.");

    /// <summary>
    /// This report's value over <paramref name="baseline"/>'s for every metric: 1.5 means 50% higher.
    /// Higher is better except for <see cref="MetricNames.MeanRank"/> and <see cref="MetricNames.MedianRank"/>,
    /// where a lift below 1 is an improvement.
    /// </summary>
    /// <exception cref="ArgumentException">The reports use different K.</exception>
    public IReadOnlyDictionary<string, double> LiftOver(RankingReport baseline)
    {
        if (baseline.K != K)
            EvaluationThrow.Argument($"The baseline was evaluated at K = {baseline.K}, this report at K = {K}; evaluate both at one K.", nameof(baseline));
        return MetricNames.All(K).ToDictionary(name => name, name => this[name] / baseline[name]);
    }

    /// <summary>
    /// A Markdown table of a model against baselines: one column per report, then the model's lift
    /// over each baseline. The first entry is the model.
    /// </summary>
    /// <exception cref="ArgumentException">No model is given, or the reports use different K.</exception>
    public static string Compare(params (string Name, RankingReport Report)[] reports)
    {
        if (reports.Length == 0) EvaluationThrow.Argument("Compare needs at least the model's report.", nameof(reports));
        var model = reports[0].Report;
        var lifts = reports[1..].Select(r => model.LiftOver(r.Report)).ToArray();
        var table = new StringBuilder();
        table.Append("| metric | ").AppendJoin(" | ", reports.Select(r => r.Name));
        foreach (var (name, _) in reports[1..]) table.Append(" | lift over ").Append(name);
        table.AppendLine(" |");
        table.Append("| --- |").Append(string.Concat(Enumerable.Repeat(" ---: |", reports.Length + lifts.Length))).AppendLine();
        foreach (string metric in MetricNames.All(model.K))
        {
            table.Append("| ").Append(metric).Append(" | ").AppendJoin(" | ", reports.Select(r => Format(r.Report[metric])));
            foreach (var lift in lifts) table.Append(" | ×").Append(lift[metric].ToString("0.00", CultureInfo.InvariantCulture));
            table.AppendLine(" |");
        }
        return table.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{UsersEvaluated} users ({UsersSkipped} skipped without held-out items), {HeldOutItems} held-out items, {ItemCount} catalogue items: "
        + string.Join(", ", MetricNames.All(K).Select(name => $"{name} {Format(this[name])}"));

    static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
