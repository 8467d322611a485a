using System.Globalization;
using Spectre.Console;
using Tandem.Data.IO;
using Tandem.Evaluation.Metrics;
using Tandem.Models;
using Tandem.Models.Ranking;
using Tandem.Models.Recipes;
using Tandem.Models.Persistence;

namespace Tandem.Cli;

/// <summary>
/// <c>tandem train</c> and <c>tandem evaluate</c> for a ranker (a recipe with a <c>ranker</c> section):
/// labelled impressions, early stopping on the validation AUC, calibration fitted on validation,
/// and AUC, group AUC, log loss and ECE on the test split.
/// </summary>
static class RankerCommands
{
    public static int Train(TextWriter output, TextWriter error, ModelRecipe recipe, string? dataDir, string outDir, bool resume)
    {
        if (resume) CliThrow.Input("--resume applies to two-tower models; a ranker trains in one run (train it again)");
        var read = new ReadReport();
        var data = ClickData.Load(recipe, dataDir, report: read);
        OutputFolder.Prepare(outDir);
        using var stop = StopRequest.OnCtrlC(error);
        var (ranker, result) = data.Train(recipe, t => t.EpochCompleted += e =>
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {e.Epoch + 1}: loss {e.Loss:0.0000}, validation AUC {e.Validation:0.0000}{(e.IsBest ? " (best)" : "")}, {e.ExamplesPerSecond:N0} examples/s")), stop.Token);
        string path = Path.Combine(outDir, ModelCommands.ModelFile);
        RankerFile.Save(path, ranker);
        if (result.Cancelled) output.WriteLine($"Stopped (Ctrl+C) after {result.Epochs.Count} epoch(s).");
        Write(output, $"{recipe.Ranker!.Model} on {data.TestRows.Length:N0} test impressions (trained on {data.TrainRows.Length:N0}, calibrated on {data.ValidationRows.Length:N0})",
            CtrMetrics.Of(ranker, data, data.TestRows), null);
        output.WriteLine($"Wrote {path}");
        ModelFiles.WriteSkipped(output, read);
        return result.Cancelled ? 130 : 0;
    }

    public static int Evaluate(TextWriter output, string path, string? dataDir, string? baselinePath)
    {
        var ranker = RankerFile.Load(path);
        var data = ClickData.Load(ranker.Recipe!, dataDir, ranker.Features);
        var metrics = CtrMetrics.Of(ranker, data, data.TestRows);
        CtrMetrics? baseline = null;
        if (baselinePath is not null)
        {
            var other = RankerFile.Load(baselinePath);
            var otherData = ClickData.Load(other.Recipe!, dataDir, other.Features);
            if (!otherData.TestRows.SequenceEqual(data.TestRows))
                CliThrow.Input($"--baseline {baselinePath}: its test split differs from {path}'s; train both on the same data, split and seed");
            baseline = CtrMetrics.Of(other, otherData, otherData.TestRows);
        }
        Write(output, $"{Path.GetFileName(path)} ({ranker.Options.Model}): {metrics.Impressions:N0} test impressions, {metrics.Clicks:N0} clicks", metrics, baseline);
        return 0;
    }

    /// <summary><c>tandem recommend --ranker</c>: the two-tower model retrieves, the ranker re-ranks by calibrated click probability.</summary>
    public static int Recommend(TextWriter output, string modelPath, string rankerPath, string userId, int k, int candidates, string spec, string? dataDir)
    {
        if (k < 1) CliThrow.Input($"-k is {k}; it must be at least 1");
        if (candidates < k || candidates > TwoStagePipeline.MaxCandidates) CliThrow.Input($"--candidates is {candidates}; it must be between -k ({k}) and {TwoStagePipeline.MaxCandidates}");
        var model = TwoTowerModel.Load(modelPath);
        var catalogue = TwoTowerModelFile.Catalogue(modelPath);
        var stage = RankerStage.Load(rankerPath, dataDir, model, modelPath, catalogue.ItemKeys);
        int user = catalogue.UserOf(userId);
        if (user < 0) CliThrow.Input($"--user {userId}: not a user of {modelPath}'s training data");
        if (stage.UserOf(userId) < 0) CliThrow.Input($"--user {userId}: not a user of {rankerPath}'s data, so the ranker cannot score their candidates");
        using var index = catalogue.Index(spec);
        var pipeline = new TwoStagePipeline(catalogue.ItemKeys, new IndexRetrieval(index), stage);
        var result = pipeline.Recommend(catalogue.UserVector(user), userId, new PipelineOptions { Candidates = candidates, K = k, Rules = catalogue.Unseen(user) });
        var describe = ModelCommands.DisplayFields(model, dataDir);
        var table = new Table().Title(Markup.Escape($"Top {k} of {candidates} retrieved items for user {userId}, re-ranked by {Path.GetFileName(rankerPath)} ({stage.Ranker.Options.Model})"));
        table.AddColumn(new TableColumn("#").RightAligned()).AddColumn("item").AddColumn("description")
            .AddColumn(new TableColumn("p(click)").RightAligned()).AddColumn(new TableColumn("retrieval score").RightAligned());
        int rank = 0;
        foreach (var r in result.Items)
            table.AddRow((++rank).ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Item!), Markup.Escape(describe(r.Item!)),
                r.Probability!.Value.ToString("0.000", CultureInfo.InvariantCulture), r.RetrievalScore.ToString("0.000", CultureInfo.InvariantCulture));
        Cli.Console(output).Write(table);
        if (result.Unscored > 0) output.WriteLine($"{result.Unscored} retrieved item(s) are absent from the ranker's data and were not scored.");
        return 0;
    }

    static void Write(TextWriter output, string caption, CtrMetrics m, CtrMetrics? baseline)
    {
        static string F(double? v) => v is { } x ? x.ToString("0.0000", CultureInfo.InvariantCulture) : "–";
        output.WriteLine(caption);
        var table = new Table().AddColumns("AUC", "gAUC", "log loss", "ECE");
        if (baseline is not null) table.AddColumn("RelaImpr over the baseline");
        string[] cells = [F(m.Auc), F(m.GroupAuc), F(m.LogLoss), F(m.Ece)];
        table.AddRow(baseline is null ? cells : [.. cells, CalibrationError.RelaImpr(m.Auc, baseline.Auc).ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture)]);
        Cli.Console(output).Write(table);
    }
}
