namespace Tandem.Retrieval;

/// <summary>Per-call search settings; the default value uses each index's own settings and no filter.</summary>
public readonly record struct SearchOptions
{
    /// <summary>
    /// Only ids this filter allows are returned. Default: null, every id. Indexes test it inside the
    /// search (HNSW walks through filtered-out nodes without keeping them), so a filter that drops many
    /// ids (a user's seen items) needs no wider candidate list to return K.
    /// </summary>
    public IdFilter? Filter { get; init; }

    /// <summary>HNSW candidate-list size; 0 (default) uses the index's <c>EfSearch</c>.</summary>
    public int EfSearch { get; init; }

    /// <summary>IVF lists probed per query; 0 (default) uses the index's <c>NProbe</c>.</summary>
    public int NProbe { get; init; }

    /// <summary>Threads for this search, as a <see cref="Tandem.Tensors.Threads.Use"/> scope around it (so the kernels it calls use them too); 0 (default) keeps the caller's <see cref="Tandem.Tensors.Threads.Count"/>.</summary>
    public int Threads { get; init; }
}
