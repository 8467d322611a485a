using System.Buffers.Binary;
using System.Text.Json;
using Tandem.Evaluation.Ranking;
using Tandem.IO;
using Tandem.Experiments;
using Tandem.Models.Training;
using Tandem.Tests;

namespace Tandem.Experiments.Tests.Reporting;

public class TrainingReportTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    static RankingReport Ranking(double recall, double meanRank) => new()
    {
        K = 10,
        ItemCount = 100,
        UsersEvaluated = 50,
        UsersSkipped = 2,
        HeldOutItems = 80,
        Metrics = new Dictionary<string, double>
        {
            ["Recall@10"] = recall, ["HitRate@10"] = 0.5, ["NDCG@10"] = 0.2, ["MAP@10"] = 0.1,
            ["MRR"] = 0.25, ["MeanRank"] = meanRank, ["MedianRank"] = 12, ["Coverage@10"] = 0.4,
        },
    };

    static EpochRecord Epoch(int epoch, double loss, double? recall) => new()
    {
        Epoch = epoch,
        Loss = loss,
        Examples = 10_000,
        Seconds = 2.5,
        Validation = recall is { } r ? new Dictionary<string, double> { ["Recall@10"] = r } : new Dictionary<string, double>(),
    };

    static TrainingReport Sample() => new()
    {
        Title = "Two-tower retrieval on MovieLens",
        ModelName = "two-tower",
        Model = [new("towers", "embedding 32 → MLP [64, 32]"), new("parameters", "123,456")],
        Protocol = [new("data", "ml-latest-small"), new("split", "leave-last-one-out")],
        Result = Ranking(0.30, 20),
        Baselines = [("popularity", Ranking(0.12, 40))],
        History = [Epoch(1, 2.0, 0.10), Epoch(2, 1.5, null), Epoch(3, 1.2, 0.25), Epoch(4, 1.1, 0.28)],
        ValidationMetric = "Recall@10",
    };

    [Fact]
    public void Markdown_has_every_part()
    {
        string md = Sample().ToMarkdown();
        Assert.StartsWith("# Two-tower retrieval on MovieLens\n", md.ReplaceLineEndings("\n"));
        Assert.Contains("| towers | embedding 32 → MLP [64, 32] |", md);
        Assert.Contains("| split | leave-last-one-out |", md);
        Assert.Contains("| metric | two-tower | popularity | lift over popularity |", md);
        // Recall@10 lift: 0.30 / 0.12 = 2.50; MeanRank lift: 20 / 40 = 0.50.
        Assert.Contains("| Recall@10 | 0.3000 | 0.1200 | ×2.50 |", md);
        Assert.Contains("| MeanRank | 20.0000 | 40.0000 | ×0.50 |", md);
        Assert.Contains("| epoch | loss | examples/s | seconds | Recall@10 |", md);
        // 10,000 examples in 2.5 s = 4,000 examples/s; epoch 2 was not validated.
        Assert.Contains("| 2 | 1.5000 | 4,000 | 2.5 | – |", md);
        Assert.Contains("| 4 | 1.1000 | 4,000 | 2.5 | 0.2800 |", md);
    }

    [Fact]
    public void Json_has_metrics_lifts_and_history()
    {
        using var json = JsonDocument.Parse(Sample().ToJson());
        var root = json.RootElement;
        Assert.Equal("two-tower", root.GetProperty("modelName").GetString());
        Assert.Equal("embedding 32 → MLP [64, 32]", root.GetProperty("model").GetProperty("towers").GetString());
        Assert.Equal("ml-latest-small", root.GetProperty("protocol").GetProperty("data").GetString());
        Assert.Equal(0.30, root.GetProperty("result").GetProperty("metrics").GetProperty("Recall@10").GetDouble());
        Assert.Equal(50, root.GetProperty("result").GetProperty("usersEvaluated").GetInt32());
        Assert.Equal(0.12, root.GetProperty("baselines").GetProperty("popularity").GetProperty("metrics").GetProperty("Recall@10").GetDouble());
        Assert.Equal(0.30 / 0.12, root.GetProperty("lifts").GetProperty("popularity").GetProperty("Recall@10").GetDouble(), 12);
        var history = root.GetProperty("history");
        Assert.Equal(4, history.GetArrayLength());
        Assert.Equal(4000, history[0].GetProperty("examplesPerSecond").GetDouble());
        Assert.Empty(history[1].GetProperty("validation").EnumerateObject());
        Assert.Equal(0.28, history[3].GetProperty("validation").GetProperty("Recall@10").GetDouble());
    }

    static (int Width, int Height) PngSize(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.True(png.Length > 10_000, $"{path} is only {png.Length} bytes");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Fact]
    public void WriteTo_writes_the_report_and_valid_pngs()
    {
        var written = Sample().WriteTo(dir.Path);
        Assert.Equal(["loss.png", "validation.png", "report.md", "report.json"], written.Select(Path.GetFileName));
        Assert.Equal((TrainingPlots.Width, TrainingPlots.Height), PngSize(dir.File("loss.png")));
        Assert.Equal((TrainingPlots.Width, TrainingPlots.Height), PngSize(dir.File("validation.png")));
        string md = File.ReadAllText(dir.File("report.md"));
        Assert.Contains("![Training loss per epoch](loss.png)", md);
        Assert.Contains("![Validation Recall@10 per epoch](validation.png)", md);
        Assert.Equal(Sample().ToJson(), File.ReadAllText(dir.File("report.json")));
        Assert.Equal(4, Directory.GetFiles(dir.Path).Length); // no temporary files left
    }

    [Fact]
    public void A_metric_no_epoch_has_cannot_be_plotted()
    {
        var history = new TrainingHistory(Sample().History);
        Assert.Throws<ArgumentException>(() => TrainingPlots.Validation(history, "NDCG@10", dir.File("x.png")));
        Assert.Throws<ArgumentException>(() => history.Add(Epoch(4, 1, null)));
    }
}
