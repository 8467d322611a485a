using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Tandem.Evaluation.Metrics;
using Tandem.Experiments;
using Tandem.Experiments.Reporting;
using Tandem.IO;
using Tandem.Models.Recipes;
using static System.FormattableString;

namespace Tandem.Cli;

/// <summary><c>tandem experiment ctr</c>: the rankers on labelled impressions over several seeds, a Markdown table and a reliability diagram.</summary>
static class CtrCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dataset = new Option<string>("--dataset") { Description = "criteo-10k (labels as given, split by impression) or movielens (ml-latest-small, ratings > 3 clicks, < 3 non-clicks, 3 dropped; split per user).", DefaultValueFactory = _ => "criteo-10k" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the dataset's folder (else TANDEM_DATA, else the download cache)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated initialisation/shuffle seeds; the split stays seed 42.", DefaultValueFactory = _ => "42,43,44" };
        var epochs = new Option<int>("--epochs") { Description = "Most epochs (early stopping on the validation AUC keeps the best).", DefaultValueFactory = _ => 50 };
        var threads = new Option<int>("--threads") { Description = "Kernel threads (1 is bit-reproducible).", DefaultValueFactory = _ => 1 };
        var outFile = new Option<string>("--out") { Description = "Markdown report to write; the reliability diagram goes beside it as .png.", DefaultValueFactory = _ => "./tandem-ctr.md" };
        var ctr = new Command("ctr", "Logistic regression, two-tower pCTR (BCE and multi-task), DeepFM, DCN-v2, the DIN-style ranker and Wide & Deep on labelled impressions over several seeds: AUC, log loss, ECE, training time.")
        { dataset, dataDir, seeds, epochs, threads, outFile };
        ctr.SetAction(p => Run(output, error, p.GetValue(dataset)!, p.GetValue(dataDir), ExperimentCommands.Seeds(p.GetValue(seeds)!), p.GetValue(epochs), p.GetValue(threads), p.GetValue(outFile)!));
        return ctr;
    }

    static int Run(TextWriter output, TextWriter error, string dataset, string? dataDir, int[] seeds, int epochs, int threads, string outFile)
    {
        if (dataset is not ("criteo-10k" or "movielens")) CliThrow.Input($"--dataset is '{dataset}'; use criteo-10k or movielens");
        if (epochs < 1) CliThrow.Input($"--epochs is {epochs}; it must be at least 1");
        if (threads < 1) CliThrow.Input($"--threads is {threads}; it must be at least 1");
        if (dataDir is { Length: > 0 } && !Directory.Exists(dataDir)) CliThrow.Input($"{dataDir}: data directory not found; pass --data-dir with the folder holding the dataset's folder");
        var options = new CtrOptions { Dataset = dataset, DataDir = dataDir, Epochs = epochs, Threads = threads };
        OutputFolder.PrepareFor(outFile);
        string plot = Path.ChangeExtension(outFile, ".png");
        var firstSeed = new List<(string, float[], float[])>();
        using var stop = StopRequest.OnCtrlC(error);
        SeedTable table = null!;
        Cli.Console(output).Progress().AutoClear(true).Start(context =>
        {
            var task = context.AddTask("training", maxValue: CtrExperiment.Models(options).Count * seeds.Length);
            string? current = null;
            table = CtrExperiment.Run(options, seeds, (run, e) =>
            {
                if (current != run && current is not null) task.Increment(1);
                current = run;
                task.Description = $"{Markup.Escape(run)}: epoch {e.Epoch + 1}, loss {e.Loss:0.0000}, validation AUC {e.Validation:0.0000}";
            }, (kind, calibrated, raw, labels) => firstSeed.Add((CtrExperiment.Name(kind), calibrated, labels)), stop.Token);
            task.Value = task.MaxValue;
        });
        if (stop.IsRequested)
        {
            error.WriteLine("tandem: stopped (Ctrl+C); no report written.");
            return 130;
        }
        ReliabilityPlot.Save(plot, $"{dataset}: test reliability, seed {seeds[0]}, calibrated on validation", firstSeed);
        string report = Report(table, options, seeds, Path.GetFileName(plot));
        output.Write(report);
        AtomicFile.WriteText(outFile, report);
        output.WriteLine($"Wrote {outFile} and {plot}");
        return 0;
    }

    static string Report(SeedTable table, CtrOptions options, int[] seeds, string plot)
    {
        var recipe = CtrExperiment.Recipe(options, RankerKind.Logistic, seeds[0]);
        string[] metrics = [.. CtrExperiment.Metrics.Where(m => m != "gAUC" || options.Dataset == "movielens")];
        var text = new StringBuilder();
        text.AppendLine(Invariant($"`tandem experiment ctr --dataset {options.Dataset} --seeds {string.Join(",", seeds)} --epochs {options.Epochs} --threads {options.Threads}`. ") +
            Invariant($"Split: {(options.Dataset == "movielens" ? "per user" : "random by impression")}, test {recipe.Split.TestFraction:0%}, validation {recipe.Split.ValidationFraction:0%} of training carved the same way, seed 42; ") +
            Invariant($"seeds {string.Join(", ", seeds)} change initialisation and batch order. Every ranker: field embeddings of {recipe.Ranker!.EmbeddingDimension}, ") +
            Invariant($"MLP [{string.Join(", ", recipe.Ranker.Hidden)}], Adam {recipe.Training.LearningRate}, batch {recipe.Training.BatchSize}, at most {options.Epochs} epochs stopping after ") +
            Invariant($"{recipe.Training.Patience} without a better validation AUC (best epoch kept), {recipe.Ranker.Calibration.ToString().ToLowerInvariant()} calibration fitted on the validation slice; ") +
            "AUC and gAUC on the logits, log loss and ECE (10 bins) on the calibrated probabilities (and, for comparison, on the raw sigmoid). Cells: mean (min–max) over seeds.");
        text.AppendLine();
        text.Append(table.ToMarkdown(metrics));
        text.AppendLine();
        const string lr = "logistic regression";
        if (table.Rows.Contains(lr))
        {
            double baseAuc = table[lr, "AUC"].Mean;
            text.AppendLine("RelaImpr over logistic regression (mean AUCs): " + string.Join("; ", table.Rows.Where(r => r != lr)
                .Select(r => $"{r} {CalibrationError.RelaImpr(table[r, "AUC"].Mean, baseAuc):+0.0%;-0.0%}")) + ".");
            text.AppendLine();
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"![Reliability diagram]({plot})");
        return text.ToString();
    }
}
