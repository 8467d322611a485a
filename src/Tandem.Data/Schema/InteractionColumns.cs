namespace Tandem.Data.Schema;

/// <summary>
/// The columns of the interactions file. For retrieval, <see cref="User"/> and <see cref="Item"/>
/// are required; CTR data (Criteo) may have neither and use <see cref="Label"/> instead.
/// </summary>
public sealed record InteractionColumns
{
    /// <summary>The user id column, also the key of the users table.</summary>
    public string? User { get; init; }

    /// <summary>The item id column, also the key of the items table.</summary>
    public string? Item { get; init; }

    /// <summary>Unix time in seconds; needed for histories, temporal splits and recency weights.</summary>
    public string? Timestamp { get; init; }

    /// <summary>A rating or weight per interaction.</summary>
    public string? Rating { get; init; }

    /// <summary>An explicit 0/1 label (clicked or not) for CTR data.</summary>
    public string? Label { get; init; }
}

/// <summary>How implicit-feedback examples are weighted.</summary>
public enum WeightingKind
{
    /// <summary>Every interaction weighs 1.</summary>
    None,
    /// <summary>The weight is the rating column.</summary>
    Rating,
    /// <summary>The weight halves every <see cref="Weighting.HalfLifeDays"/> before the newest training interaction.</summary>
    Recency,
}

/// <summary>Example weighting.</summary>
/// <param name="Kind">Which weighting.</param>
/// <param name="HalfLifeDays">For recency: the half-life in days.</param>
public readonly record struct Weighting(WeightingKind Kind, double HalfLifeDays = 0);
