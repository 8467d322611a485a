namespace Tandem.Data.Batching;

/// <summary>How a <see cref="Batcher"/> cuts an epoch into batches.</summary>
public readonly record struct BatchOptions
{
    /// <summary>Creates the defaults.</summary>
    public BatchOptions() { }

    /// <summary>Examples per batch. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Shuffle the rows every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffle; epoch e uses a permutation derived from (Seed, e). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Drop the last batch of an epoch if it is short. Default false.</summary>
    public bool DropLast { get; init; }

    /// <summary>Batches prepared ahead by the background thread. Default 2.</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>Features filled by their own gather instead of the encoded one, by feature name. Default none.</summary>
    public IReadOnlyDictionary<string, IFeatureGather>? Gathers { get; init; }
}
