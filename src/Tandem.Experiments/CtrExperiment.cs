using Tandem.Evaluation.Metrics;
using Tandem.Models;
using Tandem.Models.Ranking;
using Tandem.Models.Recipes;
using Tandem.Models.Training;

namespace Tandem.Experiments;

/// <summary>The CTR experiment's options: the dataset, the rankers and the training budget.</summary>
public sealed record CtrOptions
{
    /// <summary><c>criteo-10k</c> (labels as given, split by impression) or <c>movielens</c> (ml-latest-small, ratings turned into clicks, split per user). Default criteo-10k.</summary>
    public string Dataset { get; init; } = "criteo-10k";
    /// <summary>Where the datasets are looked for first (else TANDEM_DATA, the cache). Default null.</summary>
    public string? DataDir { get; init; }
    /// <summary>Most epochs; early stopping on the validation AUC (patience 3) keeps the best. Default 50 (logistic regression needs more than 20 on MovieLens).</summary>
    public int Epochs { get; init; } = 50;
    /// <summary>Kernel threads; 1 is bit-reproducible. Default 1.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>The rankers trained, in table order; null: every one the dataset supports (DIN needs a history, so not Criteo). Default null.</summary>
    public IReadOnlyList<RankerKind>? Models { get; init; }
}

/// <summary>
/// <c>tandem experiment ctr</c>: logistic regression, two-tower pCTR (BCE alone and multi-task),
/// DeepFM, DCN-v2, the DIN-style ranker and Wide &amp; Deep trained on the same split with the same field embeddings, over several
/// initialisation seeds; test AUC, group AUC, log loss and ECE (calibration fitted on validation:
/// Platt on criteo-10k's small slice, isotonic on MovieLens) and training time, as a <see cref="SeedTable"/>.
/// </summary>
public static class CtrExperiment
{
    /// <summary>The metric names of the table, in column order.</summary>
    public static readonly string[] Metrics = ["AUC", "gAUC", "log loss", "ECE", "log loss (uncalibrated)", "ECE (uncalibrated)", "train s"];

    /// <summary>The recipe of <paramref name="model"/> on <paramref name="options"/>' dataset with initialisation seed <paramref name="seed"/>; the split's seed stays 42.</summary>
    /// <exception cref="ModelException">The dataset is neither criteo-10k nor movielens.</exception>
    public static ModelRecipe Recipe(CtrOptions options, RankerKind model, int seed)
    {
        var ranker = new RankerRecipe { Model = model, EmbeddingDimension = 16, Hidden = [128, 64], CrossLayers = 2 };
        var training = new TrainerOptions { Epochs = options.Epochs, Patience = 3, BatchSize = 256, LearningRate = 1e-3f, Seed = seed, Threads = options.Threads };
        return options.Dataset switch
        {
            // Criteo's columns are anonymous: the item tower of the two-tower model takes the last 13 categoricals.
            "criteo-10k" => new ModelRecipe
            {
                Data = new DataRecipe { Dataset = "criteo-10k", MinCount = 5 },
                Split = new SplitRecipe { By = SplitKind.Impression, TestFraction = 0.2, ValidationFraction = 0.1 },
                // About 800 validation impressions: too few for isotonic regression (Niculescu-Mizil and Caruana 2005), so Platt.
                Ranker = ranker with { ItemFeatures = [.. Enumerable.Range(14, 13).Select(i => $"C{i}")], Calibration = CalibrationKind.Platt },
                Training = training,
            },
            "movielens" => new ModelRecipe
            {
                Data = new DataRecipe { Dataset = "ml-latest-small", Clicks = ClickSource.Ratings },
                Split = new SplitRecipe { By = SplitKind.User, TestFraction = 0.2, ValidationFraction = 0.1 },
                Ranker = ranker with { Features = ["user", "item", "genres", "time"], Calibration = CalibrationKind.Isotonic },
                Training = training with { BatchSize = 1024 },
            },
            _ => throw new ModelException($"unknown CTR dataset \"{options.Dataset}\"; use criteo-10k or movielens"),
        };
    }

    /// <summary>Every ranker in table order.</summary>
    static readonly RankerKind[] All = [RankerKind.Logistic, RankerKind.TwoTower, RankerKind.MultiTask, RankerKind.DeepFm, RankerKind.DcnV2, RankerKind.Din, RankerKind.WideDeep];

    /// <summary>The rankers of <paramref name="options"/>: its list, or every one the dataset supports.</summary>
    public static IReadOnlyList<RankerKind> Models(CtrOptions options) => options.Models
        ?? (options.Dataset == "movielens" ? All : [.. All.Where(k => k != RankerKind.Din)]);

    /// <summary>A row's name in the table.</summary>
    public static string Name(RankerKind kind) => kind switch
    {
        RankerKind.Logistic => "logistic regression",
        RankerKind.TwoTower => "two-tower pCTR",
        RankerKind.MultiTask => "multi-task two-tower",
        RankerKind.WideDeep => "Wide & Deep",
        RankerKind.DeepFm => "DeepFM",
        RankerKind.DcnV2 => "DCN-v2 (stacked)",
        _ => "DIN-style attention",
    };

    /// <summary>
    /// Trains every ranker over <paramref name="seeds"/> (the data is read and split once) and returns
    /// the table; <paramref name="progress"/> hears each epoch, <paramref name="first"/> each ranker's
    /// first-seed test probabilities (calibrated, then raw) and labels, e.g. for a reliability diagram.
    /// </summary>
    public static SeedTable Run(CtrOptions options, int[] seeds, Action<string, EpochProgress>? progress = null,
        Action<RankerKind, float[], float[], float[]>? first = null, CancellationToken cancellation = default)
    {
        var models = Models(options);
        var data = ClickData.Load(Recipe(options, models[0], seeds[0]), options.DataDir);
        var labels = data.TestRows.Select(r => data.Labels[r]).ToArray();
        var table = new SeedTable();
        foreach (var kind in models)
            foreach (int seed in seeds)
            {
                if (cancellation.IsCancellationRequested) return table;
                string run = $"{Name(kind)}, seed {seed}";
                var (ranker, result) = data.Train(Recipe(options, kind, seed), t => t.EpochCompleted += e => progress?.Invoke(run, e), cancellation);
                var test = CtrMetrics.Of(ranker, data, data.TestRows);
                var logits = ranker.Logits(data.Data, data.TestRows);
                var raw = Tandem.Models.Calibration.Calibrator.Sigmoid.Probabilities(logits);
                var metrics = new Dictionary<string, double>
                {
                    ["AUC"] = test.Auc,
                    ["gAUC"] = test.GroupAuc ?? double.NaN,
                    ["log loss"] = test.LogLoss,
                    ["ECE"] = test.Ece,
                    ["log loss (uncalibrated)"] = LogLoss.Compute(raw, labels),
                    ["ECE (uncalibrated)"] = CalibrationError.Expected(raw, labels),
                    ["train s"] = result.TrainSeconds,
                };
                table.Add(Name(kind), new ModelResult(Name(kind), metrics, result));
                if (seed == seeds[0]) first?.Invoke(kind, ranker.Calibration.Probabilities(logits), raw, labels);
            }
        return table;
    }
}
