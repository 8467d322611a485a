using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Tandem.Experiments;
using Tandem.IO;
using Tandem.Models;

namespace Tandem.Cli;

/// <summary><c>tandem experiment baselines</c>: EASE, BPR-MF, item-kNN and most-popular beside the default two-tower model, over several seeds.</summary>
static class BaselinesCommand
{
    const string TwoTowerRow = "two-tower (defaults)";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var dataset = new Option<string>("--dataset") { Description = "A MovieLens release (ml-latest-small, ml-100k, ml-1m, ...).", DefaultValueFactory = _ => "ml-latest-small" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the dataset's folder (else TANDEM_DATA, else the download cache)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; each seeds the split, the two-tower's initialisation and BPR.", DefaultValueFactory = _ => "42,43,44" };
        var lambdas = new Option<string?>("--lambdas") { Description = "EASE's candidate λ, comma-separated (chosen on validation); default 50,100,200,300,500,1000,2000." };
        var epochs = new Option<int?>("--epochs") { Description = "Most two-tower epochs (early stopping on the validation slice picks the best; default 20)." };
        var bprEpochs = new Option<int?>("--bpr-epochs") { Description = "Most BPR-MF epochs (early stopping on the validation slice picks the best; default 200)." };
        var threads = new Option<int>("--threads") { Description = "Kernel threads of the two-tower training (1 is bit-reproducible).", DefaultValueFactory = _ => 1 };
        var noTwoTower = new Option<bool>("--no-two-tower") { Description = "Only the baselines." };
        var writeSplits = new Option<string?>("--write-splits") { Description = "Folder to write each seed's split to (split-seed<N>.csv: userId,movieId,split), e.g. for bench/reference/ease.py." };
        var outFile = new Option<string>("--out") { Description = "Markdown report to write.", DefaultValueFactory = _ => "./tandem-baselines.md" };
        var command = new Command("baselines", "EASE, BPR-MF, item-kNN and most-popular (hyper-parameters chosen on validation) beside the default two-tower model: mean and spread over seeds.")
        { dataset, dataDir, seeds, lambdas, epochs, bprEpochs, threads, noTwoTower, writeSplits, outFile };
        command.SetAction(p => Run(output, error, p.GetValue(dataset)!, p.GetValue(dataDir), ExperimentCommands.Seeds(p.GetValue(seeds)!), p.GetValue(lambdas),
            p.GetValue(epochs), p.GetValue(bprEpochs), p.GetValue(threads), !p.GetValue(noTwoTower), p.GetValue(writeSplits), p.GetValue(outFile)!));
        return command;
    }

    static int Run(TextWriter output, TextWriter error, string dataset, string? dataDir, int[] seeds, string? lambdaList, int? epochs, int? bprEpochs, int threads,
        bool twoTower, string? splitDir, string outFile)
    {
        if (epochs is < 1) CliThrow.Input($"--epochs is {epochs}; it must be at least 1");
        if (bprEpochs is < 1) CliThrow.Input($"--bpr-epochs is {bprEpochs}; it must be at least 1");
        if (threads < 1) CliThrow.Input($"--threads is {threads}; it must be at least 1");
        if (dataDir is { Length: > 0 } && !Directory.Exists(dataDir))
            CliThrow.Input($"{dataDir}: data directory not found; pass --data-dir with the folder holding {dataset}/");
        var baselines = new BaselineOptions();
        if (lambdaList is not null) baselines = baselines with { Lambdas = Lambdas(lambdaList) };
        if (bprEpochs is { } most) baselines = baselines with { BprEpochs = most };
        var options = new MovieLensOptions { DataDir = dataDir, Dataset = dataset, Baseline = false };
        options = options with { Training = options.Training with { Epochs = epochs ?? options.Training.Epochs, Threads = threads } };
        OutputFolder.PrepareFor(outFile);
        if (splitDir is not null) OutputFolder.Prepare(splitDir);

        using var stop = StopRequest.OnCtrlC(error);
        var table = new SeedTable();
        var chosen = new Dictionary<string, List<string>>();
        void Add(string row, string name, IReadOnlyDictionary<string, double> metrics, string choice)
        {
            table.Add(row, new ModelResult(name, metrics, null));
            if (!chosen.TryGetValue(row, out var list)) chosen[row] = list = [];
            list.Add(choice);
        }
        try
        {
            Cli.Console(output).Progress().AutoClear(true).Start(context =>
            {
                var task = context.AddTask("baselines", maxValue: seeds.Length * (twoTower ? 2 : 1));
                foreach (int seed in seeds)
                {
                    var o = options with { SplitSeed = (ulong)seed, Seed = seed };
                    if (twoTower)
                    {
                        var report = MovieLensExperiment.Run(o, (_, e) =>
                            task.Description = $"two-tower, seed {seed}: epoch {e.Epoch + 1}, loss {e.Loss:0.000}, validation Recall@{o.K} {e.Validation:0.0000}", stop.Token);
                        var model = report[MovieLensExperiment.TwoTower];
                        if (model.Training!.Cancelled) throw new OperationCanceledException();
                        Add(TwoTowerRow, model.Name, model.Metrics, $"{model.Training.BestEpoch + 1} epochs");
                        task.Increment(1);
                    }
                    using var data = ModelData.Load(MovieLensExperiment.Recipe(o), dataDir);
                    if (splitDir is not null) AtomicFile.WriteText(Path.Combine(splitDir, $"split-seed{seed}.csv"), SplitCsv(data));
                    foreach (var b in ReferenceBaselines.Run(ReferenceBaselines.Validation(data), data.Holdout, baselines, seed,
                                 line => task.Description = Markup.Escape($"seed {seed}, {line}"), stop.Token))
                        Add(b.Name, b.Name, b.Report.Metrics, b.Choice);
                    task.Increment(1);
                }
            });
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("tandem: stopped (Ctrl+C); no report written.");
            return 130;
        }
        string text = Report(table, chosen, options, seeds, dataset);
        output.Write(text);
        AtomicFile.WriteText(outFile, text);
        output.WriteLine($"Wrote {outFile}");
        return 0;
    }

    static IReadOnlyList<double> Lambdas(string text)
    {
        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0 && double.IsFinite(v)))
                CliThrow.Input($"--lambdas: '{part}' is not a positive number; give comma-separated values such as 100,300,1000");
            else values.Add(v);
        return values;
    }

    /// <summary>The split as <c>userId,movieId,split</c> rows sorted by (userId, movieId), as bench/reference reads it.</summary>
    static string SplitCsv(ModelData data)
    {
        var log = data.Log;
        var rows = data.Split.Train.Select(r => (Row: r, Part: "train")).Concat(data.Split.Test.Select(r => (Row: r, Part: "test")))
            .Select(x => (User: log.UserKeys![log.UserCodes[x.Row]], Item: log.ItemKeys![log.ItemCodes[x.Row]], x.Part))
            .OrderBy(x => long.Parse(x.User, CultureInfo.InvariantCulture)).ThenBy(x => long.Parse(x.Item, CultureInfo.InvariantCulture));
        var text = new StringBuilder("userId,movieId,split\n");
        foreach (var (user, item, part) in rows) text.Append(user).Append(',').Append(item).Append(',').Append(part).Append('\n');
        return text.ToString();
    }

    static string Report(SeedTable table, Dictionary<string, List<string>> chosen, MovieLensOptions options, int[] seeds, string dataset)
    {
        int k = options.K;
        string[] metrics = [$"Recall@{k}", $"NDCG@{k}", $"HitRate@{k}", "MRR"];
        var text = new StringBuilder();
        text.AppendLine($"{dataset}, seeds {string.Join(", ", seeds)} (each seeds the per-user 75/25 split, the two-tower's initialisation and batch order, and BPR); " +
            $"every rating an implicit positive; full catalogue ranked, training items excluded; K = {k}. Hyper-parameters chosen by NDCG@{k} " +
            $"(two-tower: Recall@{k}, early stopping) on 10% of each user's training ratings, then refitted on all of them. Cells: mean (min–max) over seeds.");
        text.AppendLine();
        text.AppendLine($"| model | {string.Join(" | ", metrics)} | chosen on validation (per seed) |");
        text.AppendLine($"| --- |{string.Concat(metrics.Select(_ => " --- |"))} --- |");
        foreach (string row in table.Rows)
        {
            string choice = chosen[row].All(string.IsNullOrEmpty) ? "–" : string.Join(", ", chosen[row]);
            text.AppendLine($"| {row} | {string.Join(" | ", metrics.Select(m => table[row, m].ToString()))} | {choice} |");
        }
        return text.ToString();
    }
}
