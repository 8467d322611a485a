namespace Tandem.Models.Training;

/// <summary>One finished optimizer step, for a progress display.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Step">0-based step within the epoch.</param>
/// <param name="StepsPerEpoch">Steps in an epoch.</param>
/// <param name="GlobalStep">Optimizer steps so far, this one included.</param>
/// <param name="Loss">This batch's loss.</param>
/// <param name="Examples">Examples in this batch.</param>
/// <param name="ExamplesPerSecond">Training throughput of the epoch so far.</param>
/// <param name="LearningRate">The learning rate this step used.</param>
public readonly record struct StepProgress(int Epoch, int Step, int StepsPerEpoch, long GlobalStep, float Loss, int Examples, double ExamplesPerSecond, float LearningRate);

/// <summary>One finished epoch.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Loss">Mean per-example loss of the epoch (batch losses weighted by batch size).</param>
/// <param name="Seconds">Wall time of the epoch's training loop (no validation).</param>
/// <param name="ExamplesPerSecond">Examples per second of the training loop.</param>
/// <param name="Validation">The validation metric after the epoch, if a validation function is set.</param>
/// <param name="IsBest">Whether this epoch has the best validation metric so far (always true without validation).</param>
public readonly record struct EpochProgress(int Epoch, int Epochs, double Loss, double Seconds, double ExamplesPerSecond, double? Validation, bool IsBest);

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
public sealed record TrainingResult
{
    /// <summary>Every finished epoch, those of a resumed checkpoint first.</summary>
    public required IReadOnlyList<EpochProgress> Epochs { get; init; }
    /// <summary>Whether training stopped for cancellation.</summary>
    public bool Cancelled { get; init; }
    /// <summary>Whether early stopping ended it.</summary>
    public bool StoppedEarly { get; init; }
    /// <summary>The 0-based epoch whose values the model holds at the end: the best one with validation and early stopping, else the last; -1 if none ran.</summary>
    public int BestEpoch { get; init; }
    /// <summary>Wall time of this call's training loops only.</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Examples trained per second over all training loops.</summary>
    public double ExamplesPerSecond { get; init; }
}
