using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using Tandem.IO;
using Tandem.Models;
using Tandem.Models.Recipes;
using Tandem.Models.Training;
using Tandem.Models.Tuning;

namespace Tandem.Cli;

/// <summary>
/// <c>tandem tune</c>: seeded random search with successive halving over a config's search space,
/// judged on the validation slice carved from training, writing the best config.
/// </summary>
static partial class TuneCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string>("--config") { Description = "JSON config to tune around (its tuning.space, else the default space; docs/config.md).", Required = true };
        var trials = new Option<int>("--trials") { Description = "Configurations drawn (the first rung's trials).", DefaultValueFactory = _ => new TuningOptions().Trials };
        var budget = new Option<string?>("--budget") { Description = "Wall time, e.g. 90s, 20m, 1h30m: then the running trial stops and the best finished one is kept." };
        var seed = new Option<int>("--seed") { Description = "Seed of the draws.", DefaultValueFactory = _ => new TuningOptions().Seed };
        var output_ = new Option<string>("--out") { Description = "Where to write the best config.", DefaultValueFactory = _ => "best.json" };
        var space = new Option<string[]>("--space") { Description = "Search key=values, added to or replacing the config's, e.g. \"task.temperature=0.02..0.5 log\" (repeatable)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding named datasets (else TANDEM_DATA, else the download cache)." };
        var tune = new Command("tune", "Search temperature, learning rate, weight decay, dropout, width and epochs on a validation slice of the training data; write the best config.")
            { config, trials, budget, seed, output_, space, dataDir };
        tune.SetAction(p => Run(output, error, p.GetValue(config)!, p.GetValue(trials), p.GetValue(budget), p.GetValue(seed), p.GetValue(output_)!,
            p.GetValue(space) ?? [], p.GetValue(dataDir)));
        return tune;
    }

    static int Run(TextWriter output, TextWriter error, string configPath, int trials, string? budgetText, int seed, string outPath, string[] spaces, string? dataDir)
    {
        if (trials < 1) CliThrow.Input($"--trials is {trials}; it must be at least 1");
        var options = new TuningOptions { Trials = trials, Seed = seed, Budget = budgetText is null ? null : Budget(budgetText) };
        var recipe = ModelRecipe.Read(configPath);
        var space = spaces.Aggregate(SearchSpace.Of(recipe, configPath), (s, a) => s.With(SearchDimension.Parse(a)));
        space.Check(recipe);
        var rungs = SuccessiveHalving.Rungs(trials, recipe.Training.Epochs, options.MinEpochs, options.Eta);
        output.WriteLine($"Loading {recipe.Data.Named ?? recipe.Data.Schema}…");
        using var data = ModelData.Load(recipe, dataDir);
        OutputFolder.PrepareFor(outPath);
        string metric = TrainValidationSplit.MetricName(recipe.Training.ValidationMetric, recipe.K);
        output.WriteLine($"Searching {space} with seed {seed}: {string.Join(", then ", rungs.Select(r => $"{r.Trials} trial(s) of at most {r.Epochs} epoch(s)"))}" +
            $"{(options.Budget is not null ? $", within {budgetText}" : "")}; judged on validation {metric} of {recipe.Split.ValidationFraction:0%} of each user's training interactions (never the test rows).");

        using var stop = StopRequest.OnCtrlC(error, "Stopping after this step; the best finished trial is kept");
        using var progress = new ConsoleProgress(output);
        var tuner = new Tuner(options) { Observe = (trainer, slice) => progress.Follow(trainer, slice.ExampleRows(recipe).Length, metric) };
        TrialResult? best = null;
        tuner.TrialStarted += (t, rs) => output.WriteLine($"Trial {t.Number}/{trials}, rung {t.Rung + 1}/{rs.Count} (at most {t.Recipe.Training.Epochs} epochs): {Values(space, t)}");
        tuner.TrialCompleted += r =>
        {
            output.WriteLine(r.Scored
                ? string.Create(CultureInfo.InvariantCulture, $"Trial {r.Trial.Number}: validation Recall@{recipe.K} {r.Recall:0.0000}, NDCG@{recipe.K} {r.Ndcg:0.0000} (epoch {r.KeptEpoch} of {r.EpochsTrained}), {r.Seconds:0} s")
                : $"Trial {r.Trial.Number}: no score ({r.Failure})");
            // The best so far is on disk at every moment, so even a killed search leaves it.
            if (r.Scored && (best is null || r.Score > best.Score)) AtomicFile.WriteText(outPath, (best = r).KeptRecipe.ToJson() + "\n");
        };
        var result = tuner.Run(data, recipe, space, stop.Token);
        progress.Dispose();

        var console = Cli.Console(output);
        // A log or a pipe gets the table unwrapped, as a terminal of its width would.
        if (output != Console.Out || Console.IsOutputRedirected) console.Profile.Width = 200;
        console.Write(Table(result, recipe.K, metric));
        if (result.Best is not { } chosen)
        {
            error.WriteLine($"tandem: {result.Stopped ?? "stopped"} before any trial finished; nothing written");
            return stop.IsRequested ? 130 : 1;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(result.Stopped is { } why ? $"Search {why}. " : "")}Best: trial {chosen.Trial.Number} ({Values(space, chosen.Trial)}, {chosen.KeptEpoch} epochs), validation Recall@{recipe.K} {chosen.Recall:0.0000}, NDCG@{recipe.K} {chosen.Ndcg:0.0000}."));
        output.WriteLine($"Wrote {outPath}; 'tandem train --config {outPath}' trains it and reports its test figures.");
        return stop.IsRequested ? 130 : 0;
    }

    static string Values(SearchSpace space, Trial t) => string.Join(", ", space.Dimensions.Select((d, i) => $"{d.Key} {t.Values[i]}"));

    /// <summary>Every trial run, best first; each key headed by its last part unless two share it.</summary>
    static Table Table(TuningResult result, int k, string metric)
    {
        var table = new Table().Title($"Trials, by validation {metric} (the test rows unread)");
        table.AddColumn(new TableColumn("trial").RightAligned());
        table.AddColumn(new TableColumn("rung").RightAligned());
        var leaves = result.Space.Dimensions.Select(d => d.Fields[0][(d.Fields[0].LastIndexOf('.') + 1)..]).ToArray();
        for (int i = 0; i < leaves.Length; i++)
            table.AddColumn(new TableColumn(Markup.Escape(leaves.Count(l => l == leaves[i]) > 1 ? result.Space.Dimensions[i].Key : leaves[i])).RightAligned());
        foreach (string c in new[] { "epochs", $"Recall@{k}", $"NDCG@{k}", "s" }) table.AddColumn(new TableColumn(c).RightAligned());
        var ranked = result.Results.OrderByDescending(r => r.Scored).ThenByDescending(r => r.Scored ? r.Score : 0);
        foreach (var r in ranked)
        {
            var cells = new List<string> { r == result.Best ? $"★ {r.Trial.Number}" : r.Trial.Number.ToString(CultureInfo.InvariantCulture), (r.Trial.Rung + 1).ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(r.Trial.Values);
            cells.Add(r.Scored ? $"{r.KeptEpoch}/{r.EpochsTrained}" : "–");
            cells.Add(r.Scored ? r.Recall.ToString("0.0000", CultureInfo.InvariantCulture) : r.Failure == "stopped" ? "stopped" : "failed");
            cells.Add(r.Scored ? r.Ndcg.ToString("0.0000", CultureInfo.InvariantCulture) : "–");
            cells.Add(r.Seconds.ToString("0", CultureInfo.InvariantCulture));
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        return table;
    }

    /// <summary>A duration such as 90s, 20m or 1h30m.</summary>
    /// <exception cref="CliException">Not such a duration, or zero.</exception>
    internal static TimeSpan Budget(string text)
    {
        var match = Duration().Match(text.Trim());
        if (!match.Success) CliThrow.Input($"--budget is '{text}'; write a duration such as 90s, 20m or 1h30m");
        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            double n = double.Parse(part.Value[..^1], CultureInfo.InvariantCulture);
            total += part.Value[^1] switch { 'h' => TimeSpan.FromHours(n), 'm' => TimeSpan.FromMinutes(n), _ => TimeSpan.FromSeconds(n) };
        }
        if (total <= TimeSpan.Zero) CliThrow.Input($"--budget is '{text}'; it must be longer than 0");
        return total;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?[hms])+$")]
    private static partial Regex Duration();
}
