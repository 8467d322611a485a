using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Tandem.IO;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Cli;

/// <summary><c>tandem experiment movielens</c>: the quickstart's models over several seeds (and ablations) as a Markdown table.</summary>
static class MovieLensSeedsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding ml-latest-small/ (else TANDEM_DATA, else the download cache)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated init/shuffle seeds; the split stays seed 42.", DefaultValueFactory = _ => "42,43,44" };
        var ablations = new Option<bool>("--ablations") { Description = "Also train the two-tower without logQ, with mixed negatives, and with attention and GRU histories." };
        var epochs = new Option<int?>("--epochs") { Description = "Most epochs (early stopping on a validation slice picks the best; default 20)." };
        var threads = new Option<int>("--threads") { Description = "Kernel threads (1 is bit-reproducible).", DefaultValueFactory = _ => 1 };
        var outFile = new Option<string>("--out") { Description = "Markdown report to write.", DefaultValueFactory = _ => "./tandem-experiment.md" };
        var interests = new Option<string?>("--interests") { Description = "Also train the two-tower with multi-interest users for each comma-separated K (e.g. 1,2,4,8): K vectors per user by self-attentive pooling, an item scored by the closest." };
        var skipIdOnly = new Option<bool>("--skip-id-only") { Description = "Do not train the ID-only baseline." };
        var movielens = new Command("movielens", "Two-tower, ID-only and most-popular on ml-latest-small over several seeds: mean and spread, and whether the margins exceed the spread.")
        { dataDir, seeds, ablations, epochs, threads, outFile, interests, skipIdOnly };
        movielens.SetAction(p => MovieLens(output, error, p.GetValue(dataDir), ExperimentCommands.Seeds(p.GetValue(seeds)!), p.GetValue(ablations),
            p.GetValue(epochs), p.GetValue(threads), p.GetValue(outFile)!, Interests(p.GetValue(interests)), p.GetValue(skipIdOnly)));
        return movielens;
    }

    /// <summary>The --interests list: positive counts.</summary>
    static int[] Interests(string? list)
    {
        if (list is null) return [];
        var parts = list.Split(',', StringSplitOptions.TrimEntries);
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1)
                CliThrow.Input($"--interests: '{parts[i]}' is not a positive count; pass e.g. --interests 1,2,4,8");
        return counts;
    }

    static int MovieLens(TextWriter output, TextWriter error, string? dataDir, int[] seeds, bool ablations, int? epochs, int threads, string outFile,
        int[] interests, bool skipIdOnly)
    {
        if (epochs is < 1) CliThrow.Input($"--epochs is {epochs}; it must be at least 1");
        if (threads < 1) CliThrow.Input($"--threads is {threads}; it must be at least 1");
        if (dataDir is { Length: > 0 } && !Directory.Exists(dataDir))
            CliThrow.Input($"{dataDir}: data directory not found; pass --data-dir with the folder holding ml-latest-small/");
        OutputFolder.PrepareFor(outFile);
        var options = new MovieLensOptions { DataDir = dataDir };
        options = options with { Training = options.Training with { Epochs = epochs ?? options.Training.Epochs, Threads = threads } };
        options = options with { Baseline = !skipIdOnly };
        IReadOnlyList<Ablation> chosen = [.. ablations ? MovieLensSeeds.Ablations : [], .. interests.Select(MovieLensSeeds.Interests)];
        int runs = seeds.Length * ((skipIdOnly ? 1 : 2) + chosen.Count);
        using var stop = StopRequest.OnCtrlC(error);
        SeedTable table = null!;
        Cli.Console(output).Progress().AutoClear(true).Start(context =>
        {
            var task = context.AddTask("training", maxValue: runs);
            string? current = null;
            table = MovieLensSeeds.Run(options, seeds, chosen, (run, e) =>
            {
                if (current != run && current is not null) task.Increment(1);
                current = run;
                task.Description = $"{Markup.Escape(run)}: epoch {e.Epoch + 1}, loss {e.Loss:0.000}, validation {TrainValidationSplit.MetricName(options.Training.ValidationMetric, options.K)} {e.Validation:0.0000}";
            }, stop.Token, done => AtomicFile.WriteText(outFile, Report(done, options, seeds) + "\n(Partial: the runs finished so far; the command has not finished.)\n"));
            task.Value = runs;
        });
        if (stop.IsRequested)
        {
            error.WriteLine($"tandem: stopped (Ctrl+C); {outFile} holds the runs finished so far.");
            return 130;
        }
        string report = Report(table, options, seeds);
        output.Write(report);
        AtomicFile.WriteText(outFile, report);
        output.WriteLine($"Wrote {outFile}");
        return 0;
    }

    /// <summary>The Markdown report: protocol, the table, and the margin checks.</summary>
    static string Report(SeedTable table, MovieLensOptions options, int[] seeds)
    {
        int k = options.K;
        string[] metrics = [$"Recall@{k}", $"NDCG@{k}", $"HitRate@{k}", "MRR"];
        string[] baselines = [.. new[] { MovieLensExperiment.IdOnly, MovieLensExperiment.MostPopular }.Where(table.Rows.Contains)];
        var checks = table.Rows.Contains(MovieLensExperiment.TwoTower) ? table.Margins(MovieLensExperiment.TwoTower, baselines, metrics[..2]).ToArray() : [];
        var text = new StringBuilder();
        text.AppendLine($"Seeds {string.Join(", ", seeds)} (initialisation and batch order); split: per-user 75/25, seed {options.SplitSeed}; " +
            $"every rating an implicit positive; full catalogue ranked, training items excluded; K = {k}. " +
            $"Each trained model holds out {options.ValidationFraction:0%} of each user's training ratings and stops early on their {TrainValidationSplit.MetricName(options.Training.ValidationMetric, k)} " +
            $"(patience {options.Training.Patience}, at most {options.Training.Epochs} epochs; the best epoch is kept). Cells: mean (min–max) over seeds.");
        text.AppendLine();
        text.Append(table.ToMarkdown(metrics));
        text.AppendLine();
        text.AppendLine("Does the two-tower model beat each baseline by more than the spread over seeds (the larger of the two models' max − min)?");
        text.AppendLine();
        text.Append(SeedTable.Describe(checks));
        text.AppendLine();
        text.AppendLine(checks.All(c => c.Holds)
            ? "Verdict: every margin exceeds the spread."
            : $"Verdict: {checks.Count(c => !c.Holds)} of {checks.Length} margins do not exceed the spread.");
        return text.ToString();
    }
}
