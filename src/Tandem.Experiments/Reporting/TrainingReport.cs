using Tandem.IO;
using Tandem.Models.Training;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tandem.Evaluation.Ranking;

namespace Tandem.Experiments;

/// <summary>
/// The final report of a training run: what was trained, how it was evaluated, how it compares
/// with baselines and how training went, as Markdown for people and JSON for tools, with PNG
/// charts beside them (<see cref="WriteTo"/>).
/// </summary>
public sealed record TrainingReport
{
    /// <summary>The report's title, e.g. <c>Two-tower retrieval on MovieLens ml-latest-small</c>.</summary>
    public required string Title { get; init; }

    /// <summary>The model's name in the metrics table, e.g. <c>two-tower</c>.</summary>
    public string ModelName { get; init; } = "model";

    /// <summary>The model in a few facts (architecture, dimensions, parameter count …), in display order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Model { get; init; } = [];

    /// <summary>The evaluation protocol (data, split, candidates, cutoff, seeds …), in display order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Protocol { get; init; } = [];

    /// <summary>The model's test metrics, if it was evaluated.</summary>
    public RankingReport? Result { get; init; }

    /// <summary>Baselines evaluated under the same protocol, by name; the model's lift over each is reported.</summary>
    public IReadOnlyList<(string Name, RankingReport Report)> Baselines { get; init; } = [];

    /// <summary>The per-epoch records.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>The validation metric charted per epoch (e.g. <c>Recall@100</c>), if any.</summary>
    public string? ValidationMetric { get; init; }

    /// <summary>The file names <see cref="WriteTo"/> uses inside its directory.</summary>
    public const string MarkdownFile = "report.md", JsonFile = "report.json", LossPlotFile = "loss.png", ValidationPlotFile = "validation.png";

    /// <summary>
    /// Writes <c>report.md</c>, <c>report.json</c>, <c>loss.png</c> and (if <see cref="ValidationMetric"/>
    /// has values) <c>validation.png</c> (the charts only where <see cref="TrainingPlots.Available"/>) into <paramref name="directory"/>, creating it if needed.
    /// Returns the paths written.
    /// </summary>
    public IReadOnlyList<string> WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var history = new TrainingHistory(History);
        // Without SkiaSharp's native library on this platform the report is written without charts.
        bool lossPlot = History.Count > 0 && TrainingPlots.Available;
        bool validationPlot = TrainingPlots.Available && ValidationMetric is not null && history.Series(ValidationMetric).Epochs.Length > 0;
        if (lossPlot) TrainingPlots.Loss(history, Add(LossPlotFile));
        if (validationPlot) TrainingPlots.Validation(history, ValidationMetric!, Add(ValidationPlotFile));
        AtomicFile.WriteText(Add(MarkdownFile), ToMarkdown(lossPlot, validationPlot));
        AtomicFile.WriteText(Add(JsonFile), ToJson());
        return written;

        string Add(string name)
        {
            written.Add(Path.Combine(directory, name));
            return written[^1];
        }
    }

    /// <summary>The report as Markdown, without chart links.</summary>
    public string ToMarkdown() => ToMarkdown(lossPlot: false, validationPlot: false);

    string ToMarkdown(bool lossPlot, bool validationPlot)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(Title).AppendLine();
        Facts(md, "Model", Model);
        Facts(md, "Protocol", Protocol);
        if (Result is not null)
        {
            md.AppendLine("## Results").AppendLine();
            md.AppendLine(Result.ToString()).AppendLine();
            md.Append(RankingReport.Compare([(ModelName, Result), .. Baselines])).AppendLine();
        }
        if (History.Count > 0)
        {
            string[] metrics = History.SelectMany(e => e.Validation.Keys).Distinct().ToArray();
            md.AppendLine("## Training").AppendLine();
            md.Append("| epoch | loss | examples/s | seconds |").AppendJoin("", metrics.Select(m => $" {m} |")).AppendLine();
            md.Append("| ---: | ---: | ---: | ---: |").Append(string.Concat(Enumerable.Repeat(" ---: |", metrics.Length))).AppendLine();
            foreach (var e in History)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {e.Epoch} | {e.Loss:0.0000} | {e.ExamplesPerSecond:N0} | {e.Seconds:0.0} |");
                foreach (string m in metrics)
                    md.Append(' ').Append(e.Validation.TryGetValue(m, out double v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "–").Append(" |");
                md.AppendLine();
            }
            md.AppendLine();
        }
        if (lossPlot) md.Append("![Training loss per epoch](").Append(LossPlotFile).AppendLine(")").AppendLine();
        if (validationPlot) md.Append(CultureInfo.InvariantCulture, $"![Validation {ValidationMetric} per epoch]({ValidationPlotFile})").AppendLine().AppendLine();
        return md.ToString();
    }

    static void Facts(StringBuilder md, string heading, IReadOnlyList<KeyValuePair<string, string>> facts)
    {
        if (facts.Count == 0) return;
        md.Append("## ").AppendLine(heading).AppendLine();
        md.AppendLine("| | |").AppendLine("| --- | --- |");
        foreach (var (key, value) in facts) md.Append("| ").Append(key).Append(" | ").Append(value).AppendLine(" |");
        md.AppendLine();
    }

    /// <summary>
    /// The report as JSON: <c>title</c>, <c>model</c> and <c>protocol</c> (objects of strings),
    /// <c>result</c> (the model's metrics and counts), <c>baselines</c> (name → metrics),
    /// <c>lifts</c> (baseline name → metric → model / baseline) and <c>history</c> (per-epoch records).
    /// </summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["title"] = Title,
            ["modelName"] = ModelName,
            ["model"] = Object(Model),
            ["protocol"] = Object(Protocol),
        };
        if (Result is not null)
        {
            root["result"] = Ranking(Result);
            var baselines = new JsonObject();
            var lifts = new JsonObject();
            foreach (var (name, report) in Baselines)
            {
                baselines[name] = Ranking(report);
                lifts[name] = Numbers(Result.LiftOver(report));
            }
            root["baselines"] = baselines;
            root["lifts"] = lifts;
        }
        if (ValidationMetric is not null) root["validationMetric"] = ValidationMetric;
        root["history"] = new JsonArray(History.Select(e => (JsonNode)new JsonObject
        {
            ["epoch"] = e.Epoch,
            ["loss"] = e.Loss,
            ["examples"] = e.Examples,
            ["seconds"] = e.Seconds,
            ["examplesPerSecond"] = e.ExamplesPerSecond,
            ["validation"] = Numbers(e.Validation),
        }).ToArray());
        return root.ToJsonString(TandemFileWriter.JsonOptions);
    }

    static JsonObject Object(IEnumerable<KeyValuePair<string, string>> facts) =>
        new(facts.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value)));

    static JsonObject Numbers(IEnumerable<KeyValuePair<string, double>> values) =>
        new(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));

    static JsonObject Ranking(RankingReport report) => new()
    {
        ["k"] = report.K,
        ["itemCount"] = report.ItemCount,
        ["usersEvaluated"] = report.UsersEvaluated,
        ["usersSkipped"] = report.UsersSkipped,
        ["heldOutItems"] = report.HeldOutItems,
        ["metrics"] = Numbers(MetricNames.All(report.K).Select(m => KeyValuePair.Create(m, report[m]))),
    };
}
