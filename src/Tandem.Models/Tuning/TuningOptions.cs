namespace Tandem.Models.Tuning;

/// <summary>How a <see cref="Tuner"/> searches. <c>new TuningOptions()</c> gives the documented defaults.</summary>
public readonly record struct TuningOptions
{
    /// <summary>Creates the defaults.</summary>
    public TuningOptions() { }
    /// <summary>Configurations drawn (the first rung's trials). Default 20.</summary>
    public int Trials { get; init; } = 20;
    /// <summary>Seed of the draws; one seed, one space and one recipe give the same trials and the same best. Default 1.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Wall time after which the running trial stops and the best finished one is kept; null: none. Default null.</summary>
    public TimeSpan? Budget { get; init; }
    /// <summary>Early-stopping patience of every trial (the best config keeps it). Default 5.</summary>
    public int Patience { get; init; } = 5;
    /// <summary>Successive halving's η: each rung keeps the best 1/η with η times the epochs. Default 3.</summary>
    public int Eta { get; init; } = 3;
    /// <summary>Least epochs of the first rung. Default 2.</summary>
    public int MinEpochs { get; init; } = 2;
}
