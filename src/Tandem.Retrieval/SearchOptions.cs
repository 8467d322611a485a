namespace Tandem.Retrieval;

/// <summary>Per-call search settings; the default value uses each index's own settings and no filter.</summary>
public readonly record struct SearchOptions
{
    /// <summary>Only ids this filter allows are returned. Default: null, every id.</summary>
    public IdFilter? Filter { get; init; }

    /// <summary>HNSW candidate-list size; 0 (default) uses the index's <c>EfSearch</c>.</summary>
    public int EfSearch { get; init; }

    /// <summary>IVF lists probed per query; 0 (default) uses the index's <c>NProbe</c>.</summary>
    public int NProbe { get; init; }

    /// <summary>Threads for this search, as a <see cref="Tandem.Tensors.Threads.Use"/> scope around it (so the kernels it calls use them too); 0 (default) keeps the caller's <see cref="Tandem.Tensors.Threads.Count"/>.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Options for a search whose <paramref name="filter"/> drops <paramref name="excluded"/> ids (e.g.
    /// a user's seen items) from a top-<paramref name="k"/>: HNSW's candidate list is widened to
    /// at least k + excluded (and 64), so the filter cannot starve the result. Every recommender
    /// (CLI and service) uses this one rule, so they agree.
    /// </summary>
    public static SearchOptions Excluding(IdFilter filter, int k, int excluded, int efSearch = 0) =>
        new() { Filter = filter, EfSearch = Math.Max(Math.Max(efSearch, 64), k + excluded) };
}
