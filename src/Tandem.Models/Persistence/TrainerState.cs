using Tandem.Models.Training;

namespace Tandem.Models.Persistence;

/// <summary>
/// Where a <see cref="Trainer"/>'s run stands, beyond the model's values and the optimizer's
/// state: what it needs to continue exactly where it stopped. Saved as JSON in a checkpoint.
/// </summary>
public sealed record TrainerState
{
    /// <summary>Epochs completed: the 0-based epoch to run next.</summary>
    public int Epoch { get; init; }

    /// <summary>The best validation metric so far; negative infinity before any epoch was validated.</summary>
    public double BestMetric { get; init; } = double.NegativeInfinity;

    /// <summary>The 0-based epoch the best-epoch snapshot holds (the best validated one, else the last); -1 before any.</summary>
    public int BestEpoch { get; init; } = -1;

    /// <summary>Validated epochs since <see cref="BestMetric"/> last improved (early stopping's patience count).</summary>
    public int SinceBest { get; init; }

    /// <summary>Every finished epoch so far, oldest first.</summary>
    public IReadOnlyList<EpochProgress> History { get; init; } = [];
}
