using System.Globalization;
using System.Text;
using Tandem.Models.CrossModal;

namespace Tandem.Experiments;

/// <summary>The cross-encoder rows of the Flickr8k report: caption → image before and after re-ranking, mean ± std over seeds.</summary>
public static class Flickr8kRerankReport
{
    /// <summary>One seed's line for the console.</summary>
    public static string Line(int seed, Flickr8kRerankRun r) => string.Create(CultureInfo.InvariantCulture,
        $"Seed {seed}: cross-encoder over the top {r.Top}: caption→image R@1 {r.TwoTower.RecallAt1:0.000} → {r.Reranked.RecallAt1:0.000}, R@5 {r.TwoTower.RecallAt5:0.000} → {r.Reranked.RecallAt5:0.000}, R@10 {r.TwoTower.RecallAt10:0.000} → {r.Reranked.RecallAt10:0.000}, mean rank {r.TwoTower.MeanRank:0.0} → {r.Reranked.MeanRank:0.0}; {r.MillisecondsPerQuery:0.00} ms per caption, {r.Epochs} epochs, validation MRR {r.ValidationMrr:0.000}");

    /// <summary>The section, or nothing when no run re-ranked.</summary>
    public static string Markdown(IReadOnlyList<Flickr8kRun> runs)
    {
        var reranks = runs.Select(r => r.Rerank).OfType<Flickr8kRerankRun>().ToArray();
        if (reranks.Length == 0) return "";
        var (before, beforeStd) = CrossModalMetrics.Summarise([.. reranks.Select(r => r.TwoTower)]);
        var (after, afterStd) = CrossModalMetrics.Summarise([.. reranks.Select(r => r.Reranked)]);
        var text = new StringBuilder();
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Cross-encoder re-ranking of the top {reranks[0].Top} (caption → image, {reranks.Length} seeds)").AppendLine();
        text.AppendLine("| stage | R@1 | R@5 | R@10 | mean rank |").AppendLine("|---|---:|---:|---:|---:|");
        string Row(string name, CrossModalMetrics m, CrossModalMetrics s) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {m.RecallAt1:0.000} ± {s.RecallAt1:0.000} | {m.RecallAt5:0.000} ± {s.RecallAt5:0.000} | {m.RecallAt10:0.000} ± {s.RecallAt10:0.000} | {m.MeanRank:0.0} ± {s.MeanRank:0.0} |");
        text.AppendLine(Row("two-tower", before, beforeStd)).AppendLine(Row($"+ cross-encoder (top {reranks[0].Top})", after, afterStd));
        text.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"First stage's top {reranks[0].Top} holds the photo for {reranks.Average(r => r.FirstStageRecall):0.000} of the test captions; re-ranking takes {reranks.Average(r => r.MillisecondsPerQuery):0.00} ms per caption."));
        return text.ToString();
    }
}
