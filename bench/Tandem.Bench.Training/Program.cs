using System.Globalization;
using System.Text.Json;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

// Tandem's side of bench/training/run.sh: trains the reference two-tower (the model of
// bench/reference/README.md) for a fixed number of epochs on the full training split, with no
// early stopping, so PyTorch's two_tower.py trains exactly the same thing; prints one JSON line
// with the keys two_tower.py prints.
// Usage: Tandem.Bench.Training [--data-dir DIR] [--epochs 10] [--threads 2] [--seed 42]
string Option(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

int epochs = int.Parse(Option("--epochs", "10"), CultureInfo.InvariantCulture);
int threads = int.Parse(Option("--threads", "2"), CultureInfo.InvariantCulture);
int seed = int.Parse(Option("--seed", "42"), CultureInfo.InvariantCulture);
var options = MovieLensOptions.Reference with
{
    DataDir = Option("--data-dir", "") is { Length: > 0 } dir ? dir : null,
    Seed = seed,
    Baseline = false,
    ValidationFraction = 0,
};
options = options with { Training = options.Training with { Epochs = epochs, Threads = threads, Patience = 0 } };
var report = MovieLensExperiment.Run(options);
var model = report[MovieLensExperiment.TwoTower];
var training = model.Training!;
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["model"] = "two_tower",
    ["implementation"] = "tandem",
    ["threads"] = threads,
    ["seed"] = seed,
    ["epochs"] = training.Epochs.Count,
    ["train"] = report.TrainInteractions,
    ["examples_per_s"] = Math.Round(training.ExamplesPerSecond, 1),
    ["train_seconds"] = Math.Round(training.TrainSeconds, 3),
    ["loss"] = training.Epochs.Select(e => Math.Round(e.Loss, 4)).ToArray(),
    ["recall_at_10"] = Math.Round(model.Metrics["Recall@10"], 4),
    ["ndcg_at_10"] = Math.Round(model.Metrics["NDCG@10"], 4),
}));
