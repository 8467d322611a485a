namespace Tandem.Models.Training;

/// <summary>What one training epoch did: its mean loss, throughput and validation metrics.</summary>
public sealed record EpochRecord
{
    /// <summary>The epoch's number, from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>The mean training loss over the epoch's examples.</summary>
    public required double Loss { get; init; }

    /// <summary>Training examples seen in the epoch.</summary>
    public required long Examples { get; init; }

    /// <summary>Wall-clock seconds the epoch's training took (validation excluded).</summary>
    public required double Seconds { get; init; }

    /// <summary>Training throughput: <see cref="Examples"/> / <see cref="Seconds"/> (0 when no time was measured).</summary>
    public double ExamplesPerSecond => Seconds > 0 ? Examples / Seconds : 0;

    /// <summary>Validation metrics by name (see <c>MetricNames</c>), empty when the epoch was not validated.</summary>
    public IReadOnlyDictionary<string, double> Validation { get; init; } = new Dictionary<string, double>();
}
