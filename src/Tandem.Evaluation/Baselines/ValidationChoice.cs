using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Baselines;

/// <summary>One candidate hyper-parameter and its validation NDCG@K.</summary>
/// <param name="Value">The candidate.</param>
/// <param name="Ndcg">NDCG@K on the validation slice.</param>
public readonly record struct Candidate<T>(T Value, double Ndcg);

/// <summary>
/// Chooses a hyper-parameter on a validation slice carved from the training data: each candidate is
/// fitted on the rest of the training data and scored by NDCG@K on the slice. The test split is not
/// an argument, so it cannot be read.
/// </summary>
public static class ValidationChoice
{
    /// <summary>
    /// Every candidate with its validation NDCG@K, and the best (ties: the earlier candidate).
    /// <paramref name="fit"/> builds a scorer from the training sets less the slice; <paramref name="validation"/>
    /// holds each user's slice (disjoint from <paramref name="fitTraining"/>, which is excluded from the ranking).
    /// </summary>
    /// <exception cref="ArgumentException">No candidate is given.</exception>
    public static (T Best, IReadOnlyList<Candidate<T>> Tried) Best<T>(IReadOnlyList<T> candidates, Func<T, IScorer> fit,
        UserItemSets fitTraining, UserItemSets validation, int k, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(fit);
        if (candidates.Count == 0) EvaluationThrow.Argument("No candidate to choose from; give at least one value.", nameof(candidates));
        var tried = new List<Candidate<T>>();
        foreach (var value in candidates)
        {
            cancellation.ThrowIfCancellationRequested();
            tried.Add(new(value, Ndcg(fit(value), fitTraining, validation, k)));
        }
        return (tried.MaxBy(c => c.Ndcg).Value, tried);
    }

    /// <summary>
    /// The best number of epochs: <paramref name="nextEpoch"/> trains one more epoch (on the training sets
    /// less the slice) and returns the model's scorer; training stops after <paramref name="mostEpochs"/>, or
    /// once <paramref name="patience"/> epochs in a row have not beaten the best validation NDCG@K.
    /// Returns the best epoch count (1-based) and the NDCG@K after each epoch trained.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mostEpochs"/> or <paramref name="patience"/> is below 1.</exception>
    public static (int Best, IReadOnlyList<double> Ndcg) BestEpoch(Func<IScorer> nextEpoch, int mostEpochs, int patience,
        UserItemSets fitTraining, UserItemSets validation, int k, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(nextEpoch);
        if (mostEpochs < 1) EvaluationThrow.OutOfRange($"mostEpochs is {mostEpochs}; train at least one epoch.", nameof(mostEpochs), mostEpochs);
        if (patience < 1) EvaluationThrow.OutOfRange($"patience is {patience}; it must be at least 1.", nameof(patience), patience);
        var curve = new List<double>();
        int best = 0;
        while (curve.Count < mostEpochs && curve.Count - 1 - best < patience)
        {
            cancellation.ThrowIfCancellationRequested();
            curve.Add(Ndcg(nextEpoch(), fitTraining, validation, k));
            if (curve[^1] > curve[best]) best = curve.Count - 1;
        }
        return (best + 1, curve);
    }

    /// <summary>NDCG@K of <paramref name="scorer"/> on <paramref name="validation"/>, <paramref name="fitTraining"/> excluded.</summary>
    public static double Ndcg(IScorer scorer, UserItemSets fitTraining, UserItemSets validation, int k) =>
        RankingEvaluator.Evaluate(scorer, fitTraining, validation, new RankingOptions { K = k }).Metrics[MetricNames.Ndcg(k)];
}
