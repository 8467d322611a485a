using System.Diagnostics;
using Tandem.Data.Batching;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;

namespace Tandem.Models.Training;

/// <summary>
/// Trains a <see cref="TwoTowerModel"/>: epochs of shuffled seeded batches, forward, the task's
/// loss, backward and one optimizer step each. Reports each step and epoch through events (for
/// a progress display), offers each epoch to <see cref="Checkpoint"/>, evaluates
/// <see cref="Validation"/> after each epoch for early stopping, and stops cleanly after the
/// current step when the token is cancelled. With <see cref="TrainerOptions.Threads"/> = 1 and
/// one seed, two runs give bit-identical parameters. Not thread-safe; one Fit at a time.
/// </summary>
public sealed class Trainer(TrainerOptions options)
{
    /// <summary>The options.</summary>
    public TrainerOptions Options { get; } = options;

    /// <summary>Raised after every optimizer step.</summary>
    public event Action<StepProgress>? StepCompleted;

    /// <summary>Raised after every epoch (after validation).</summary>
    public event Action<EpochProgress>? EpochCompleted;

    /// <summary>Called after every epoch with the model and optimizer, e.g. to save a checkpoint.</summary>
    public Action<CheckpointRequest>? Checkpoint { get; set; }

    /// <summary>A validation metric of the model, higher is better (e.g. Recall@10 on a split carved from training); null: none.</summary>
    public Func<TwoTowerModel, double>? Validation { get; set; }

    /// <summary>
    /// Called once, after the optimizer is created and before the first step, to restore a run
    /// (e.g. <c>Checkpoint.Restore</c> into the model's parameters and this optimizer); returns the
    /// number of epochs already done, and training continues from the next one. Null: start afresh.
    /// </summary>
    public Func<Optimizer, int>? Resume { get; set; }

    /// <summary>The optimizer of the last <see cref="Fit"/> (for checkpoints and inspection).</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>Trains <paramref name="model"/> on the interactions <paramref name="rows"/> of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TrainingResult Fit(TwoTowerModel model, EncodedData data, ReadOnlySpan<int> rows, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Epochs, 1, nameof(Options.Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BatchSize, 2, nameof(Options.BatchSize));
        if (!(Options.LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(Options.LearningRate), Options.LearningRate, "The learning rate must be positive.");
        // A scope, not a process-wide setting: index builds and searches beside this run keep their own count.
        using (Options.Threads > 0 ? Threads.Use(Options.Threads) : default)
            return Run(model, data, rows, cancellation);
    }

    TrainingResult Run(TwoTowerModel model, EncodedData data, ReadOnlySpan<int> rows, CancellationToken cancellation)
    {
        var parameters = model.Parameters.ToArray();
        using var batcher = new Batcher(data, rows, new BatchOptions
        {
            BatchSize = Options.BatchSize,
            Seed = Options.Seed,
            Shuffle = true,
            Gathers = model.LeaveOneOutHistories?.LeaveOneOutGathers,
        });
        int stepsPerEpoch = batcher.BatchesPerEpoch;
        Optimizer = CreateOptimizer(parameters, (long)stepsPerEpoch * Options.Epochs);
        using var tape = new Tape();
        var epochs = new List<EpochProgress>();
        double best = double.NegativeInfinity, trainSeconds = 0;
        long examples = 0;
        int bestEpoch = -1, sinceBest = 0;
        float[][]? bestValues = null;
        bool cancelled = false, stoppedEarly = false;
        int firstEpoch = Resume?.Invoke(Optimizer) ?? 0;
        for (int epoch = firstEpoch; epoch < Options.Epochs && !cancelled; epoch++)
        {
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
            bool isBest = metric is null || metric > best;
            if (metric is { } m && m > best)
            {
                best = m;
                sinceBest = 0;
                if (Options.Patience > 0) bestValues = parameters.Select(p => p.Value.Span.ToArray()).ToArray();
            }
            else if (metric is not null) sinceBest++;
            if (isBest) bestEpoch = epoch;
            var progress = new EpochProgress(epoch, Options.Epochs, lossSum / Math.Max(1, seen), seconds, seen / seconds, metric, isBest);
            epochs.Add(progress);
            EpochCompleted?.Invoke(progress);
            Checkpoint?.Invoke(new CheckpointRequest(progress, model, Optimizer));
            if (Options.Patience > 0 && metric is not null && sinceBest >= Options.Patience) { stoppedEarly = true; break; }
        }
        if (bestValues is not null && bestEpoch != epochs.Count - 1)
            for (int i = 0; i < parameters.Length; i++) bestValues[i].CopyTo(parameters[i].Value.Span);
        return new TrainingResult
        {
            Epochs = epochs,
            Cancelled = cancelled,
            StoppedEarly = stoppedEarly,
            BestEpoch = bestValues is not null ? bestEpoch : epochs.Count - 1,
            TrainSeconds = trainSeconds,
            ExamplesPerSecond = examples / Math.Max(1e-9, trainSeconds),
        };
    }

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
