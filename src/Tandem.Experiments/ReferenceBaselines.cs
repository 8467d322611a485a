using System.Globalization;
using Tandem.Data.Splits;
using Tandem.Evaluation.Baselines;
using Tandem.Evaluation.Ranking;
using Tandem.Models;
using Tandem.Models.Evaluation;
using BprModel = Tandem.Evaluation.Baselines.Bpr;
using ItemKnnModel = Tandem.Evaluation.Baselines.ItemKnn;

namespace Tandem.Experiments;

/// <summary>Options of <see cref="ReferenceBaselines"/>. <c>new BaselineOptions()</c> gives the documented defaults.</summary>
public readonly record struct BaselineOptions
{
    /// <summary>Creates the defaults.</summary>
    public BaselineOptions() { }
    /// <summary>EASE's candidate L2 weights λ. Default 50, 100, 200, 300, 500, 1000, 2000.</summary>
    public IReadOnlyList<double> Lambdas { get; init; } = [50, 100, 200, 300, 500, 1000, 2000];
    /// <summary>Item-kNN's candidate neighbour counts k. Default 10, 20, 50, 100, 200.</summary>
    public IReadOnlyList<int> Neighbours { get; init; } = [10, 20, 50, 100, 200];
    /// <summary>BPR's width, step, L2 weight and seed. Default <c>new BprOptions()</c> (its seed is replaced by the run's).</summary>
    public BprOptions Bpr { get; init; } = new();
    /// <summary>Most BPR epochs. Default 200.</summary>
    public int BprEpochs { get; init; } = 200;
    /// <summary>BPR stops after this many epochs in a row without a better validation NDCG@K (its curve is noisy). Default 10.</summary>
    public int BprPatience { get; init; } = 10;
    /// <summary>Ranking cut-off K, also of the validation NDCG@K that chooses. Default 10.</summary>
    public int K { get; init; } = 10;
}

/// <summary>A baseline's test metrics and the hyper-parameter chosen on validation.</summary>
/// <param name="Name">Baseline name.</param>
/// <param name="Choice">What validation chose (e.g. <c>λ 300</c>); empty when there is nothing to choose.</param>
/// <param name="Report">Every ranking metric on the test split.</param>
public sealed record BaselineResult(string Name, string Choice, RankingReport Report);

/// <summary>
/// The reference baselines of docs/experiments.md on a <see cref="ModelData"/>'s split: EASE, BPR
/// matrix factorisation, item-kNN and most-popular, each scored by the same evaluator as the
/// two-tower model (full catalogue, training items excluded). Each hyper-parameter is chosen by
/// NDCG@K on a validation slice carved from the training rows (the same slice the two-tower model
/// stops early on), then the baseline is refitted on every training row; the test rows are read
/// only to report.
/// </summary>
public static class ReferenceBaselines
{
    /// <summary>Baseline names.</summary>
    public const string Ease = "EASE", Bpr = "BPR-MF", ItemKnn = "item-kNN", MostPopular = "most-popular";

    /// <summary>
    /// The validation holdout of <paramref name="data"/>: <see cref="ReferenceSplit.Carve"/> of the training rows
    /// at the recipe's validation fraction (0.1 if it has none) and split seed, over the training catalogue.
    /// </summary>
    public static Holdout Validation(ModelData data)
    {
        double fraction = data.Recipe.Split.ValidationFraction > 0 ? data.Recipe.Split.ValidationFraction : 0.1;
        var carved = ReferenceSplit.Carve(data.Log, data.Split.Train, fraction, data.Recipe.Split.Seed);
        return new Holdout(data.Log, carved.Train, carved.Test, data.Items, data.Holdout.KeyOf);
    }

    /// <summary>
    /// Every baseline, in the order EASE, BPR-MF, item-kNN, most-popular: chosen on <paramref name="validation"/>,
    /// refitted on <paramref name="test"/>'s training sets and evaluated on its held-out sets.
    /// <paramref name="seed"/> seeds BPR. <paramref name="progress"/> receives a line per step.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static IReadOnlyList<BaselineResult> Run(Holdout validation, Holdout test, BaselineOptions options, int seed,
        Action<string>? progress = null, CancellationToken cancellation = default) =>
    [
        RunEase(validation, test, options, progress, cancellation),
        RunBpr(validation, test, options, seed, progress, cancellation),
        RunItemKnn(validation, test, options, progress, cancellation),
        new(MostPopular, "", test.Evaluate(test.MostPopular(), options.K)),
    ];

    /// <summary>EASE with λ chosen on <paramref name="validation"/> among <see cref="BaselineOptions.Lambdas"/>.</summary>
    public static BaselineResult RunEase(Holdout validation, Holdout test, BaselineOptions options, Action<string>? progress = null, CancellationToken cancellation = default)
    {
        var (lambda, _) = ValidationChoice.Best(options.Lambdas, l =>
        {
            progress?.Invoke($"EASE: λ {l:0.###} on validation");
            return EaseScorer.Fit(validation.Excluded, l);
        }, validation.Excluded, validation.HeldOut, options.K, cancellation);
        progress?.Invoke($"EASE: λ {lambda:0.###} on every training row");
        return new(Ease, string.Create(CultureInfo.InvariantCulture, $"λ {lambda:0.###}"), test.Evaluate(EaseScorer.Fit(test.Excluded, lambda), options.K));
    }

    /// <summary>BPR-MF with the epoch count chosen on <paramref name="validation"/> by early stopping.</summary>
    public static BaselineResult RunBpr(Holdout validation, Holdout test, BaselineOptions options, int seed, Action<string>? progress = null, CancellationToken cancellation = default)
    {
        var bprOptions = options.Bpr with { Seed = seed };
        var model = new BprModel(validation.Excluded, bprOptions);
        var (epochs, _) = ValidationChoice.BestEpoch(() =>
        {
            progress?.Invoke($"BPR-MF: epoch {model.Epochs + 1} on validation");
            model.Epoch();
            return model.Scorer();
        }, options.BprEpochs, options.BprPatience, validation.Excluded, validation.HeldOut, options.K, cancellation);
        var final = new BprModel(test.Excluded, bprOptions);
        for (int e = 0; e < epochs; e++)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Invoke($"BPR-MF: epoch {e + 1} of {epochs} on every training row");
            final.Epoch();
        }
        return new(Bpr, $"{epochs} epochs", test.Evaluate(final.Scorer(), options.K));
    }

    /// <summary>Item-kNN with k chosen on <paramref name="validation"/> among <see cref="BaselineOptions.Neighbours"/>.</summary>
    public static BaselineResult RunItemKnn(Holdout validation, Holdout test, BaselineOptions options, Action<string>? progress = null, CancellationToken cancellation = default)
    {
        int most = options.Neighbours.Max();
        progress?.Invoke("item-kNN: neighbours on validation");
        var fitted = ItemKnnModel.Fit(validation.Excluded, most);
        var (k, _) = ValidationChoice.Best(options.Neighbours, fitted.Scorer, validation.Excluded, validation.HeldOut, options.K, cancellation);
        progress?.Invoke($"item-kNN: {k} neighbours on every training row");
        return new(ItemKnn, $"k {k}", test.Evaluate(ItemKnnModel.Fit(test.Excluded, k).Scorer(k), options.K));
    }
}
