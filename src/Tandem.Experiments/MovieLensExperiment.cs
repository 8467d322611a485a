using Tandem.Data.Splits;
using Tandem.Models;
using System.Diagnostics;
using Tandem.Data.Batching;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Data.Tables;
using Tandem.Evaluation.Ranking;
using Tandem.Models.Evaluation;
using Tandem.Models.Tasks;
using Tandem.Models.Towers;
using Tandem.Models.Recipes;
using Tandem.Models.Training;

namespace Tandem.Experiments;

/// <summary>
/// Options of <see cref="MovieLensExperiment.Run"/>. <c>new MovieLensOptions()</c> gives the quickstart
/// (defaults chosen on a validation slice: docs/experiments.md, "Retrieval quality");
/// <see cref="Reference"/> the PyTorch reference's model.
/// </summary>
public readonly record struct MovieLensOptions
{
    /// <summary>Creates the defaults.</summary>
    public MovieLensOptions() { }
    /// <summary>Folder holding <c>ml-latest-small/</c>; null: <c>TANDEM_DATA</c>, then <c>../shared/datasets</c> from the repository root, then the cache.</summary>
    public string? DataDir { get; init; }
    /// <summary>A MovieLens release by name (e.g. <c>ml-100k</c>, <c>ml-1m</c>); every release has the features the model reads. Default null: ml-latest-small.</summary>
    public string? Dataset { get; init; }
    /// <summary>Seed of the split (the reference's SplitMix64). Default 42.</summary>
    public ulong SplitSeed { get; init; } = 42;
    /// <summary>Seed of initialisation and batch order. Default 42.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>
    /// Training options (epochs, batch, learning rate, threads, early-stopping patience). Default:
    /// the quickstart's, on one kernel thread: bit-reproducible, and on a shared 2-core machine
    /// faster than two (measured 31 s against 143 s of training at a load average near 25; same
    /// metrics). <see cref="TrainerOptions.Epochs"/> is the most epochs when
    /// <see cref="ValidationFraction"/> is positive.
    /// </summary>
    public TrainerOptions Training { get; init; } = new() { Epochs = 30, BatchSize = 1024, LearningRate = 1e-3f, Threads = 1, Patience = 5, ValidationMetric = ValidationMetric.Ndcg };
    /// <summary>
    /// Fraction of each user's training ratings held out as a validation slice (never the test
    /// set) for early stopping on its NDCG@K (<see cref="TrainerOptions.ValidationMetric"/>); the model trains on the rest. 0: train on every
    /// training rating for exactly <see cref="TrainerOptions.Epochs"/> epochs. Default 0.1.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Subtract log q (training frequency) from the logits. Default true.</summary>
    public bool LogQ { get; init; } = true;
    /// <summary>Uniformly sampled extra negatives per batch besides the in-batch ones (mixed negative sampling); 0: in-batch only. Default 0.</summary>
    public int ExtraNegatives { get; init; }
    /// <summary>How the full model pools the user's history. Default mean.</summary>
    public SequencePooling Pooling { get; init; } = SequencePooling.Mean;
    /// <summary>Interest vectors per user when <see cref="Pooling"/> is <see cref="SequencePooling.Interests"/> (multi-interest users, scored by the closest interest). Default 4.</summary>
    public int Interests { get; init; } = 4;
    /// <summary>Softmax temperature. Default 0.1.</summary>
    public float Temperature { get; init; } = 0.1f;
    /// <summary>Embedding and output width. Default 128.</summary>
    public int Dimension { get; init; } = 128;
    /// <summary>Hidden layers of the full model's towers (the reference: [128]). Default none: linear maps to the output.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [];
    /// <summary>The user tower also reads the user id (the reference's model); without it the user is a function of their history alone. Default false.</summary>
    public bool UserId { get; init; }
    /// <summary>History dropout (denoising): the share of the history dropped at each training step. Default 0.5.</summary>
    public float HistoryDropout { get; init; } = 0.5f;
    /// <summary>Most recent training movies the history holds. Default 200.</summary>
    public int HistoryLength { get; init; } = 200;
    /// <summary>Dropout after the full model's hidden layers. Default 0.</summary>
    public float Dropout { get; init; }
    /// <summary>Train the full model on leave-one-out histories (the user's training history minus the example) instead of causal ones. Default true; false reproduces the reference spec (causal histories), which overfits (docs/models.md).</summary>
    public bool LeaveOneOut { get; init; } = true;
    /// <summary>Also train the ID-only baseline. Default true.</summary>
    public bool Baseline { get; init; } = true;
    /// <summary>Ranking cut-off K. Default 10.</summary>
    public int K { get; init; } = 10;

    /// <summary>
    /// The PyTorch reference's model (bench/reference/README.md), the quickstart before the
    /// retrieval-quality defaults: user id ⊕ mean of the 50 most recent movies → 128 ReLU → 64;
    /// τ 0.05; patience 3 of at most 20 epochs.
    /// </summary>
    public static MovieLensOptions Reference => new()
    {
        Training = new() { Epochs = 20, BatchSize = 1024, LearningRate = 1e-3f, Threads = 1, Patience = 3 },
        Temperature = 0.05f,
        Dimension = 64,
        Hidden = [128],
        UserId = true,
        HistoryDropout = 0,
        HistoryLength = 50,
    };
}

/// <summary>One evaluated model of an experiment.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Metrics">Every ranking metric (e.g. <c>Recall@10</c>, <c>NDCG@10</c>).</param>
/// <param name="Training">How training went; null for models without training.</param>
public sealed record ModelResult(string Name, IReadOnlyDictionary<string, double> Metrics, TrainingResult? Training);

/// <summary>The outcome of an experiment: each model's metrics under one protocol.</summary>
public sealed record ExperimentReport
{
    /// <summary>Dataset name.</summary>
    public required string Dataset { get; init; }
    /// <summary>Training interactions.</summary>
    public int TrainInteractions { get; init; }
    /// <summary>Test interactions (cold ones included).</summary>
    public int TestInteractions { get; init; }
    /// <summary>Ranked catalogue size.</summary>
    public int CatalogueItems { get; init; }
    /// <summary>Users evaluated.</summary>
    public int Users { get; init; }
    /// <summary>Cut-off K.</summary>
    public int K { get; init; }
    /// <summary>The models, full model first.</summary>
    public required IReadOnlyList<ModelResult> Models { get; init; }
    /// <summary>Whole-experiment wall time.</summary>
    public double Seconds { get; init; }

    /// <summary>The result called <paramref name="name"/>.</summary>
    public ModelResult this[string name] => Models.First(m => m.Name == name);
}

/// <summary>
/// The quickstart experiment on MovieLens ml-latest-small, on the PyTorch reference's protocol
/// (bench/reference/README.md): the reference's 75/25 split; a two-tower model (by default the mean
/// of the user's 200 most recent training movies, half of them dropped at each training step → 128
/// → L2; movie id ⊕ mean genre (16) → 128 → L2; <see cref="MovieLensOptions.Reference"/>: the
/// reference's model) trained with in-batch softmax (τ, logQ, accidental hits removed); the ID-only
/// two-tower (matrix factorisation) through the same trainer; and most-popular; all evaluated by
/// full-catalogue Recall@K and NDCG@K with training items excluded.
/// </summary>
public static class MovieLensExperiment
{
    /// <summary>Model names in the report.</summary>
    public const string TwoTower = "two-tower", IdOnly = "id-only", MostPopular = "most-popular";

    /// <summary>
    /// The recipe of the full model under <paramref name="options"/>: (user id ⊕) pooled history →
    /// hidden → d → L2; item id ⊕ mean genres (16) → hidden → d → L2; in-batch softmax with τ, logQ
    /// (unless turned off), accidental hits removed and optional uniform extra negatives.
    /// </summary>
    public static ModelRecipe Recipe(MovieLensOptions options)
    {
        int d = options.Dimension;
        var user = new TowerOptions
        {
            Features = options.UserId ? ["user", "history"] : ["history"],
            EmbeddingDimension = d,
            Hidden = options.Hidden,
            Dropout = options.Dropout,
            OutputDimension = d,
            Sequence = new SequenceOptions { Pooling = options.Pooling, LeaveOneOut = options.LeaveOneOut, Dropout = options.HistoryDropout, MaxLength = options.HistoryLength, Interests = options.Interests },
        };
        return new ModelRecipe
        {
            Data = new DataRecipe { Dataset = options.Dataset },
            Split = new SplitRecipe { Seed = options.SplitSeed, ValidationFraction = options.ValidationFraction },
            User = user,
            Item = user with { Features = ["item", "genres"], Dimensions = new Dictionary<string, int> { ["genres"] = 16 }, Sequence = new() },
            Task = new TaskRecipe
            {
                Temperature = options.Temperature,
                LogQ = options.LogQ ? LogQKind.Counts : LogQKind.None,
                Negatives = new NegativesRecipe { Count = options.ExtraNegatives },
            },
            Training = options.Training with { Seed = options.Seed },
            K = options.K,
        };
    }

    /// <summary>Runs the experiment; <paramref name="progress"/> receives each trained model's name and epochs.</summary>
    public static ExperimentReport Run(MovieLensOptions options, Action<string, EpochProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var recipe = Recipe(options);
        using var data = ModelData.Load(recipe, options.DataDir);
        var holdout = data.Holdout;
        var results = new List<ModelResult>();
        ModelResult Train(string name, ModelRecipe r)
        {
            var (model, result) = data.Train(r, (trainer, _, _) => { if (progress is not null) trainer.EpochCompleted += e => progress(name, e); }, cancellation);
            return new ModelResult(name, holdout.Evaluate(model, data.Users, data.Items, options.K).Metrics, result);
        }
        results.Add(Train(TwoTower, recipe));
        if (options.Baseline) results.Add(Train(IdOnly, recipe.IdsOnly(data.Fitted.Schema)));
        results.Add(new ModelResult(MostPopular, holdout.Evaluate(holdout.MostPopular(), options.K).Metrics, null));
        return new ExperimentReport
        {
            Dataset = recipe.Data.Named!,
            TrainInteractions = data.Split.Train.Length,
            TestInteractions = data.Split.Test.Length,
            CatalogueItems = holdout.CatalogueItems.Count,
            Users = holdout.UserCount,
            K = options.K,
            Models = results,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }
}
