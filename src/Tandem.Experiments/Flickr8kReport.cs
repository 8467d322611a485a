using Tandem.Models.CrossModal;
using System.Globalization;
using System.Text;
using Tandem.IO;
using Tandem.Experiments;
using Tandem.Models.Training;

namespace Tandem.Experiments;

/// <summary>The Flickr8k experiment's results as a Markdown table and a PNG bar chart.</summary>
public static class Flickr8kReport
{
    static readonly string[] Metrics = ["Recall@1", "Recall@5", "Recall@10", "mean rank", "NDCG@10"];

    /// <summary>A Markdown section: setup, then one row per metric with both directions' mean ± std over seeds beside chance, then per-seed rows.</summary>
    public static string Markdown(Flickr8kResult result, Flickr8kOptions options)
    {
        var (c2i, c2iStd) = CrossModalMetrics.Summarise(result.Runs.Select(r => r.CaptionToImage).ToArray());
        var (i2c, i2cStd) = CrossModalMetrics.Summarise(result.Runs.Select(r => r.ImageToCaption).ToArray());
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Test: {result.TestImages} photos and their {result.TestCaptions} captions; seeds {string.Join(", ", result.Runs.Select(r => r.Seed))}; ")
            + Invariant($"{options.Epochs} epochs, batch {options.BatchSize}, Adam lr {options.LearningRate}, τ = {options.Temperature}, photos {options.ImageSize}×{options.ImageSize}, ")
            + Invariant($"{(options.ImageEncoder is { } image ? $"photos: pretrained {image} (frozen)" : $"CNN channels {string.Join("-", options.Cnn.Channels)}")}, ")
            + Invariant($"{(options.TextEncoder is { } words ? $"captions: pretrained {words} (frozen)" : $"text {options.Text.Encoding.ToString().ToLowerInvariant()}")}, ")
            + Invariant($"heads {(options.Hidden.Count == 0 ? "linear" : $"MLP {string.Join("-", options.Hidden)} ReLU")}, embeddings {options.Dimension}-d")
            + Invariant($"{(options.Patience > 0 ? $", the epoch with the best validation recall kept (patience {options.Patience})" : "")}."));
        text.AppendLine();
        text.AppendLine("| metric | caption → image | chance | image → caption | chance |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        for (int m = 0; m < Metrics.Length; m++)
            text.AppendLine(Invariant($"| {Metrics[m]} | {Value(c2i, m)} ± {Value(c2iStd, m)} | {Value(result.ChanceCaptionToImage, m)} | {Value(i2c, m)} ± {Value(i2cStd, m)} | {Value(result.ChanceImageToCaption, m)} |"));
        text.AppendLine();
        text.AppendLine("| seed | c→i R@1 | c→i R@5 | c→i R@10 | c→i mean rank | i→c R@1 | i→c R@5 | i→c R@10 | i→c mean rank | final loss | epoch kept | seconds |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in result.Runs)
            text.AppendLine(Invariant($"| {r.Seed} | {Value(r.CaptionToImage, 0)} | {Value(r.CaptionToImage, 1)} | {Value(r.CaptionToImage, 2)} | {Value(r.CaptionToImage, 3)} | ")
                + Invariant($"{Value(r.ImageToCaption, 0)} | {Value(r.ImageToCaption, 1)} | {Value(r.ImageToCaption, 2)} | {Value(r.ImageToCaption, 3)} | {r.EpochLoss[^1]:0.000} | {r.BestEpoch} | {r.Seconds:0} |"));
        if (result.Runs.All(r => r.Late is not null)) LateInteraction(text, result, options);
        return text.ToString();
    }

    /// <summary>Caption → image of the single-vector model, MaxSim (words against regions) and the single-vector top photos re-ranked by MaxSim.</summary>
    static void LateInteraction(StringBuilder text, Flickr8kResult result, Flickr8kOptions options)
    {
        var arms = new (string Name, Func<Flickr8kRun, CrossModalMetrics> Of)[]
        {
            ("single vector (mean of words · pooled CNN)", r => r.CaptionToImage),
            ("MaxSim, words against feature-map cells", r => r.Late!.MaxSim),
            (Invariant($"single vector, top {options.RerankDepth} re-ranked by MaxSim"), r => r.Late!.Reranked),
        };
        text.AppendLine();
        text.AppendLine("Caption → image, late interaction (mean ± std over seeds):");
        text.AppendLine();
        text.AppendLine("| model | Recall@1 | Recall@5 | Recall@10 | mean rank | NDCG@10 |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, of) in arms)
        {
            var (mean, std) = CrossModalMetrics.Summarise(result.Runs.Select(of).ToArray());
            text.AppendLine($"| {name} | " + string.Join(" | ", Enumerable.Range(0, Metrics.Length).Select(m => $"{Value(mean, m)} ± {Value(std, m)}")) + " |");
        }
        text.AppendLine();
        text.AppendLine("| seed | MaxSim R@1 | R@5 | R@10 | mean rank | re-ranked R@1 | R@5 | R@10 | mean rank | epoch kept | seconds |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in result.Runs)
        {
            var late = r.Late!;
            text.AppendLine(Invariant($"| {r.Seed} | {Value(late.MaxSim, 0)} | {Value(late.MaxSim, 1)} | {Value(late.MaxSim, 2)} | {Value(late.MaxSim, 3)} | ")
                + Invariant($"{Value(late.Reranked, 0)} | {Value(late.Reranked, 1)} | {Value(late.Reranked, 2)} | {Value(late.Reranked, 3)} | {late.BestEpoch} | {late.Seconds:0} |"));
        }
    }

    /// <summary>Recall@1/5/10 of both directions (mean over seeds, standard deviation as error bars) beside chance, to <paramref name="path"/>.</summary>
    public static void Plot(Flickr8kResult result, string path)
    {
        var (c2i, c2iStd) = CrossModalMetrics.Summarise(result.Runs.Select(r => r.CaptionToImage).ToArray());
        var (i2c, i2cStd) = CrossModalMetrics.Summarise(result.Runs.Select(r => r.ImageToCaption).ToArray());
        (double, double)[] Pair(double model, double spread, double chance) => [(model, spread), (chance, 0)];
        ExperimentPlots.Bars(["caption→image R@1", "R@5", "R@10", "image→caption R@1", "R@5", "R@10"],
            ["two towers (mean ± std over seeds)", "chance"],
            [
                Pair(c2i.RecallAt1, c2iStd.RecallAt1, result.ChanceCaptionToImage.RecallAt1),
                Pair(c2i.RecallAt5, c2iStd.RecallAt5, result.ChanceCaptionToImage.RecallAt5),
                Pair(c2i.RecallAt10, c2iStd.RecallAt10, result.ChanceCaptionToImage.RecallAt10),
                Pair(i2c.RecallAt1, i2cStd.RecallAt1, result.ChanceImageToCaption.RecallAt1),
                Pair(i2c.RecallAt5, i2cStd.RecallAt5, result.ChanceImageToCaption.RecallAt5),
                Pair(i2c.RecallAt10, i2cStd.RecallAt10, result.ChanceImageToCaption.RecallAt10),
            ],
            $"Flickr8k-1k cross-modal retrieval: recall, {result.TestImages} test photos, {result.Runs.Count} seed(s)", path);
    }

    static string Value(CrossModalMetrics m, int metric) => metric switch
    {
        0 => Invariant($"{m.RecallAt1:0.000}"),
        1 => Invariant($"{m.RecallAt5:0.000}"),
        2 => Invariant($"{m.RecallAt10:0.000}"),
        3 => Invariant($"{m.MeanRank:0.0}"),
        _ => Invariant($"{m.NdcgAt10:0.000}"),
    };

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
