using Tandem.Retrieval;

namespace Tandem.Models.Ranking;

/// <summary>One <see cref="TwoStagePipeline.Recommend"/> call's options.</summary>
public readonly record struct PipelineOptions
{
    /// <summary>Creates the defaults.</summary>
    public PipelineOptions() { }
    /// <summary>Items retrieved for the ranker to score. Default 200.</summary>
    public int Candidates { get; init; } = 200;
    /// <summary>Items returned. Default 10.</summary>
    public int K { get; init; } = 10;
    /// <summary>The business rules: which items may be returned (e.g. not seen, in stock), applied inside the retrieval search. Default null: all.</summary>
    public IdFilter? Rules { get; init; }
    /// <summary>Diversity weight in [0, 1] for the diversity stage: 0 (no diversity stage) orders by relevance alone. Default 0.</summary>
    public float Diversity { get; init; }
}
