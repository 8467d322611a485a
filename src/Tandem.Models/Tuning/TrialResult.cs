using Tandem.Models.Recipes;

namespace Tandem.Models.Tuning;

/// <summary>One configuration trained in one rung.</summary>
/// <param name="Number">The configuration's number, from 1, in draw order.</param>
/// <param name="Rung">The rung, from 0.</param>
/// <param name="Values">Each dimension's value, as JSON.</param>
/// <param name="Recipe">The recipe trained (epochs: the rung's; patience: the tuner's).</param>
public sealed record Trial(int Number, int Rung, IReadOnlyList<string> Values, ModelRecipe Recipe);

/// <summary>What a trial scored on the validation slice carved from training (never the test rows).</summary>
/// <param name="Trial">The trial.</param>
/// <param name="EpochsTrained">Epochs trained.</param>
/// <param name="KeptEpoch">The epoch early stopping kept, from 1; 0 if none finished.</param>
/// <param name="Recall">Validation Recall@K of the kept epoch.</param>
/// <param name="Ndcg">Validation NDCG@K of the kept epoch.</param>
/// <param name="Seconds">Wall time of the trial.</param>
/// <param name="Failure">Why the trial has no score (stopped, or diverged: the trainer's message); null when it has one.</param>
public sealed record TrialResult(Trial Trial, int EpochsTrained, int KeptEpoch, double Recall, double Ndcg, double Seconds, string? Failure)
{
    /// <summary>The validation figure trials are ranked by: the one early stopping ranks epochs by (<see cref="Training.TrainerOptions.ValidationMetric"/>).</summary>
    public double Score => Trial.Recipe.Training.ValidationMetric == Training.ValidationMetric.Ndcg ? Ndcg : Recall;

    /// <summary>Whether the trial finished with a score.</summary>
    public bool Scored => Failure is null;

    /// <summary>The trial's recipe training exactly the kept epochs: retrained on the same data and seed, the same model.</summary>
    public ModelRecipe KeptRecipe => Trial.Recipe with { Training = Trial.Recipe.Training with { Epochs = Math.Max(1, KeptEpoch) } };
}

/// <summary>The outcome of <see cref="Tuner.Run"/>.</summary>
/// <param name="Space">The space searched.</param>
/// <param name="Rungs">The successive-halving schedule.</param>
/// <param name="Results">Every trial run, in order.</param>
/// <param name="Stopped">Why the search ended early (cancelled, out of budget); null when every rung ran.</param>
public sealed record TuningResult(SearchSpace Space, IReadOnlyList<Rung> Rungs, IReadOnlyList<TrialResult> Results, string? Stopped)
{
    /// <summary>The best-scoring trial run (<see cref="TrialResult.Score"/>; the earlier on ties); null when none finished.</summary>
    public TrialResult? Best => Results.Where(r => r.Scored).OrderByDescending(r => r.Score).FirstOrDefault();
}
