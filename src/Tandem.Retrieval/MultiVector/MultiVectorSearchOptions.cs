namespace Tandem.Retrieval.MultiVector;

/// <summary>Per-call settings of a <see cref="MultiVectorIndex"/> search; the default value uses the index's own settings and no filter.</summary>
public readonly record struct MultiVectorSearchOptions
{
    /// <summary>Only ids this filter allows are returned; tested before any candidate is scored. Default: null, every id.</summary>
    public IdFilter? Filter { get; init; }

    /// <summary>Centroids probed per query vector; 0 (default) uses the index's <see cref="MultiVectorIndex.NProbe"/>.</summary>
    public int NProbe { get; init; }

    /// <summary>Candidates kept by the centroid-only score for exact MaxSim; 0 (default) uses the index's <see cref="MultiVectorIndex.Candidates"/>.</summary>
    public int Candidates { get; init; }
}
