using Tandem.IO;
using System.Diagnostics;
using Tandem.Data.Batching;
using Tandem.Models.Persistence;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Models.Training;

/// <summary>
/// Trains an <see cref="ITrainable"/> (a two-tower model, a ranker): epochs of shuffled seeded batches, forward, the task's
/// loss, backward and one optimizer step each. Reports each step and epoch through events (for
/// a progress display), evaluates <see cref="Validation"/> after each epoch for early stopping,
/// saves the whole run to <see cref="CheckpointPath"/> after each completed epoch, and stops
/// cleanly after the current step when the token is cancelled. With
/// <see cref="TrainerOptions.Threads"/> = 1 and one seed, two runs give bit-identical parameters,
/// and so does a run interrupted and resumed from its checkpoint. Not thread-safe; one Fit at a time.
/// </summary>
public sealed class Trainer(TrainerOptions options)
{
    /// <summary>The options.</summary>
    public TrainerOptions Options { get; } = options;

    /// <summary>Raised after every optimizer step.</summary>
    public event Action<StepProgress>? StepCompleted;

    /// <summary>Raised after every epoch (after validation and its checkpoint).</summary>
    public event Action<EpochProgress>? EpochCompleted;

    /// <summary>
    /// Where to save the run after every completed epoch (atomically, with <see cref="Checkpoint"/>):
    /// the model's parameters, buffers and generators, the optimizer, the best metric, epoch and
    /// patience count, the best epoch's snapshot and the history. An epoch cut short by
    /// cancellation is not saved. Null: no checkpoints. Default null.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>A validation metric of the model, higher is better (e.g. Recall@10 on a split carved from training); null: none.</summary>
    public Func<ITrainable, double>? Validation { get; set; }

    /// <summary>The optimizer of the last <see cref="Fit"/> (for inspection).</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>
    /// Trains <paramref name="model"/> on the interactions <paramref name="rows"/> of <paramref name="data"/>;
    /// with <paramref name="resumeFrom"/>, continues the run saved there (by a trainer with
    /// <see cref="CheckpointPath"/>, the same model architecture, data and options) from the epoch
    /// after its last, as if it had never stopped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="TandemFileException">The checkpoint cannot be read, or does not match the model, optimizer, data or batch size.</exception>
    public TrainingResult Fit(ITrainable model, EncodedData data, ReadOnlySpan<int> rows, CancellationToken cancellation = default, string? resumeFrom = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Epochs, 1, nameof(Options.Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BatchSize, 2, nameof(Options.BatchSize));
        if (!(Options.LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(Options.LearningRate), Options.LearningRate, "The learning rate must be positive.");
        // A scope, not a process-wide setting: index builds and searches beside this run keep their own count.
        using (Options.Threads > 0 ? Threads.Use(Options.Threads) : default)
            return Run(model, data, rows, cancellation, resumeFrom);
    }

    TrainingResult Run(ITrainable model, EncodedData data, ReadOnlySpan<int> rows, CancellationToken cancellation, string? resumeFrom)
    {
        var state = model.State;
        using var batcher = new Batcher(data, rows, new BatchOptions
        {
            BatchSize = Options.BatchSize,
            Seed = Options.Seed,
            Shuffle = true,
            Gathers = model.Gathers,
        });
        int stepsPerEpoch = batcher.BatchesPerEpoch;
        Optimizer = CreateOptimizer([.. state.Parameters], (long)stepsPerEpoch * Options.Epochs);
        using var tape = new Tape();
        var run = new TrainerState();
        ModelSnapshot? best = null; // the best epoch's values, kept only for early stopping
        try
        {
            if (resumeFrom is not null)
            {
                (run, best) = Checkpoint.Restore(resumeFrom, state, Optimizer);
                // Checkpoints follow whole epochs, so other data or another batch size shows in the step count.
                if (Optimizer.StepCount != (long)run.Epoch * stepsPerEpoch)
                    FileThrow.File(resumeFrom, $"the run took {Optimizer.StepCount} steps in {run.Epoch} epoch(s), but an epoch is {stepsPerEpoch} steps here; resume with the data and batch size it was trained with");
            }
            var epochs = run.History.ToList();
            double trainSeconds = 0;
            long examples = 0;
            bool cancelled = false, stoppedEarly = OutOfPatience(run);
            for (int epoch = run.Epoch; epoch < Options.Epochs && !stoppedEarly; epoch++)
            {
                if (cancellation.IsCancellationRequested) { cancelled = true; break; }
                var clock = Stopwatch.StartNew();
                double lossSum = 0;
                int seen = 0, step = 0;
                foreach (var batch in batcher.Epoch(epoch))
                {
                    float lr = Optimizer.LearningRate;
                    var loss = model.Loss(tape, batch, Optimizer.StepCount);
                    float value = loss.Value[0];
                    if (!float.IsFinite(value))
                        throw new ModelException($"The loss became {value} at epoch {epoch + 1}, step {step + 1}; lower the learning rate or raise the temperature.");
                    tape.Backward(loss);
                    if (Options.ClipNorm > 0) Optimizer.ClipGradNorm(Options.ClipNorm);
                    Optimizer.Step();
                    Optimizer.ZeroGrad();
                    tape.Reset();
                    lossSum += (double)value * batch.Count;
                    seen += batch.Count;
                    StepCompleted?.Invoke(new StepProgress(epoch, step, stepsPerEpoch, Optimizer.StepCount, value, batch.Count, seen / clock.Elapsed.TotalSeconds, lr));
                    step++;
                    if (cancellation.IsCancellationRequested) { cancelled = true; break; }
                }
                double seconds = clock.Elapsed.TotalSeconds;
                trainSeconds += seconds;
                examples += seen;
                double? metric = Validation?.Invoke(model);
                bool isBest = metric is null || metric > run.BestMetric;
                if (metric is { } m && m > run.BestMetric)
                {
                    run = run with { BestMetric = m, SinceBest = 0 };
                    if (Options.Patience > 0)
                    {
                        best?.Dispose();
                        best = ModelSnapshot.Of(state);
                    }
                }
                else if (metric is not null) run = run with { SinceBest = run.SinceBest + 1 };
                if (isBest) run = run with { BestEpoch = epoch };
                var progress = new EpochProgress(epoch, Options.Epochs, lossSum / Math.Max(1, seen), seconds, seen / seconds, metric, isBest);
                epochs.Add(progress);
                run = run with { Epoch = epoch + 1, History = [.. epochs] };
                if (step == stepsPerEpoch && CheckpointPath is not null) Checkpoint.Save(CheckpointPath, state, Optimizer, run, best);
                EpochCompleted?.Invoke(progress);
                if (cancelled) break;
                stoppedEarly = OutOfPatience(run);
            }
            // The model holds the last epoch; early stopping goes back to the best one.
            int last = epochs.Count > 0 ? epochs[^1].Epoch : -1;
            if (best is not null && run.BestEpoch != last) best.CopyTo(state);
            return new TrainingResult
            {
                Epochs = epochs,
                Cancelled = cancelled,
                StoppedEarly = stoppedEarly,
                BestEpoch = best is not null ? run.BestEpoch : last,
                TrainSeconds = trainSeconds,
                ExamplesPerSecond = examples / Math.Max(1e-9, trainSeconds),
            };
        }
        finally
        {
            best?.Dispose();
        }
    }

    /// <summary>Whether early stopping ends the run: validated epochs without improvement reached the patience.</summary>
    bool OutOfPatience(TrainerState run) => Options.Patience > 0 && Validation is not null && run.SinceBest >= Options.Patience;

    Optimizer CreateOptimizer(Parameter[] parameters, long totalSteps)
    {
        float lr = Options.LearningRate;
        var schedule = Options.Schedule == ScheduleKind.Cosine
            ? LearningRateSchedule.Cosine(lr, totalSteps, 0, Options.WarmupSteps)
            : LearningRateSchedule.Constant(lr);
        return Options.Optimizer switch
        {
            OptimizerKind.AdamW => new AdamW(parameters, schedule, new AdamWOptions { WeightDecay = Options.WeightDecay }),
            OptimizerKind.Adagrad => new Adagrad(parameters, schedule, new AdagradOptions { WeightDecay = Options.WeightDecay }),
            OptimizerKind.Sgd => new Sgd(parameters, schedule, new SgdOptions { WeightDecay = Options.WeightDecay }),
            _ => new Adam(parameters, schedule, new AdamOptions { WeightDecay = Options.WeightDecay }),
        };
    }
}
