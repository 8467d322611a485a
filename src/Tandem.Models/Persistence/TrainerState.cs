using Tandem.Models.Training;

namespace Tandem.Models.Persistence;

/// <summary>
/// Where training stands, beyond weights and optimizer state: what a trainer needs to continue
/// exactly where it stopped. Saved as JSON in a checkpoint.
/// </summary>
public sealed record TrainerState
{
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; init; }

    /// <summary>Optimizer steps taken over all epochs.</summary>
    public long Step { get; init; }

    /// <summary>The state of the trainer's random generator(s), in whatever form the trainer restores them from (seeds, or the generator's state words).</summary>
    public byte[] RngState { get; init; } = [];

    /// <summary>The name of the metric that picks the best epoch (e.g. <c>Recall@100</c>), if any.</summary>
    public string? BestMetricName { get; init; }

    /// <summary>The best value of <see cref="BestMetricName"/> so far, if any epoch was validated.</summary>
    public double? BestMetric { get; init; }

    /// <summary>The epoch that reached <see cref="BestMetric"/>.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>Per-epoch records so far.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = [];
}
