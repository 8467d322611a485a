using System.Diagnostics;
using System.Text.Json.Nodes;
using Tandem.Models.Recipes;
using Tandem.Models.Training;
using Tandem.Tensors;

namespace Tandem.Models.Tuning;

/// <summary>
/// Seeded random search with successive halving over epochs: draws
/// <see cref="TuningOptions.Trials"/> configurations of a <see cref="SearchSpace"/>, trains each on
/// the training rows less the recipe's validation slice with early stopping, scores the kept epoch
/// by the validation metric early stopping reads (<see cref="TrialResult.Score"/>: one figure picks
/// the epoch and the configuration), and trains the best 1/η of each rung again with η times the epochs. Only
/// <see cref="ModelData.Train"/> is called, so the test rows are never read; with one seed the
/// trials and the best are the same run to run (a budget that runs out is the exception: wall time
/// decides where it cuts). A trial whose loss diverges scores nothing and the search goes on.
/// Not thread-safe; one Run at a time.
/// </summary>
public sealed class Tuner(TuningOptions options)
{
    /// <summary>The options.</summary>
    public TuningOptions Options { get; } = options;

    /// <summary>Raised before a trial trains, with the schedule's rung count.</summary>
    public event Action<Trial, IReadOnlyList<Rung>>? TrialStarted;

    /// <summary>Raised after a trial, scored or not.</summary>
    public event Action<TrialResult>? TrialCompleted;

    /// <summary>Called on each trial's trainer before it starts (e.g. to attach a progress display).</summary>
    public Action<Trainer, TrainValidationSplit>? Observe { get; set; }

    /// <summary>
    /// Searches <paramref name="space"/> around <paramref name="recipe"/> on <paramref name="data"/>
    /// (its training rows only). Cancelling <paramref name="cancellation"/> stops the running trial
    /// after its step and returns what finished.
    /// </summary>
    /// <exception cref="ModelException">The space names a field that cannot be searched or a value out of range, or the recipe has no validation slice.</exception>
    public TuningResult Run(ModelData data, ModelRecipe recipe, SearchSpace space, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Trials, 1, nameof(Options.Trials));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Patience, 1, nameof(Options.Patience));
        if (recipe.Split.ValidationFraction <= 0)
            ModelThrow.Config("tuning needs a validation slice carved from training: set split.validationFraction above 0, e.g. 0.1");
        space.Check(recipe);
        var rungs = SuccessiveHalving.Rungs(Options.Trials, recipe.Training.Epochs, Options.MinEpochs, Options.Eta);
        var rng = new Rng(Options.Seed);
        var draws = Enumerable.Range(0, Options.Trials).Select(_ => space.Sample(rng)).ToArray();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (Options.Budget is { } b) budget.CancelAfter(b);
        var results = new List<TrialResult>();
        var alive = Enumerable.Range(0, Options.Trials).ToList();
        var last = new Dictionary<int, TrialResult>();
        for (int r = 0; r < rungs.Count; r++)
        {
            if (r > 0) alive = [.. alive.Where(c => last[c].Scored).OrderByDescending(c => last[c].Score).Take(rungs[r].Trials)];
            foreach (int c in alive)
            {
                if (budget.IsCancellationRequested) return new(space, rungs, results, Why(cancellation));
                var values = draws[c];
                var tuned = space.Apply(recipe, values);
                var trial = new Trial(c + 1, r, [.. values.Select(v => v.ToJsonString())],
                    tuned with { Training = tuned.Training with { Epochs = rungs[r].Epochs, Patience = Options.Patience } });
                // Early stopping already ended this configuration: more epochs would train the same run again.
                var result = last.TryGetValue(c, out var before) && before.Scored && before.EpochsTrained < before.Trial.Recipe.Training.Epochs
                    ? before with { Trial = trial, Seconds = 0 }
                    : Train(data, trial, rungs, budget.Token);
                last[c] = result;
                results.Add(result);
                TrialCompleted?.Invoke(result);
            }
        }
        return new(space, rungs, results, budget.IsCancellationRequested ? Why(cancellation) : null);
    }

    string Why(CancellationToken cancellation) => cancellation.IsCancellationRequested ? "stopped" : $"out of budget ({Options.Budget})";

    TrialResult Train(ModelData data, Trial trial, IReadOnlyList<Rung> rungs, CancellationToken cancellation)
    {
        TrialStarted?.Invoke(trial, rungs);
        var clock = Stopwatch.StartNew();
        TrainValidationSplit? slice = null;
        try
        {
            var (_, result) = data.Train(trial.Recipe, (trainer, s, _) => { slice = s; Observe?.Invoke(trainer, s); }, cancellation);
            int trained = result.Epochs.Count;
            if (result.Cancelled || result.BestEpoch < 0)
                return new TrialResult(trial, trained, 0, double.NaN, double.NaN, clock.Elapsed.TotalSeconds, "stopped");
            var kept = slice!.Reports[result.BestEpoch];
            int k = trial.Recipe.K;
            return new TrialResult(trial, trained, result.BestEpoch + 1, kept[$"Recall@{k}"], kept[$"NDCG@{k}"], clock.Elapsed.TotalSeconds, null);
        }
        catch (ModelException e)
        {
            return new TrialResult(trial, 0, 0, double.NaN, double.NaN, clock.Elapsed.TotalSeconds, e.Message);
        }
    }
}
