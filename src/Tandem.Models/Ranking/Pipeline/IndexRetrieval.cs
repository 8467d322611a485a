using System.Buffers;
using Tandem.Retrieval;

namespace Tandem.Models.Ranking;

/// <summary>
/// Retrieval by a vector index of the item embeddings, the rules applied inside the search (so N
/// allowed candidates come back when N exist). Index ids are catalogue rows unless
/// <paramref name="rowOf"/> maps them (an index built outside the model). Thread-safe as the index's search is.
/// </summary>
/// <param name="index">The item index.</param>
/// <param name="efSearch">HNSW candidate list per search (never below the candidates asked for); 0: the index's own.</param>
/// <param name="rowOf">The catalogue row of an index id, -1 outside the catalogue; null: ids are rows.</param>
public sealed class IndexRetrieval(IVectorIndex index, int efSearch = EmbeddedCatalogue.DefaultEfSearch, Func<long, int>? rowOf = null) : IRetrievalStage
{
    /// <inheritdoc/>
    public int Retrieve(ReadOnlySpan<float> query, IdFilter? rules, Span<int> rows, Span<float> scores)
    {
        int n = rows.Length;
        var ids = ArrayPool<long>.Shared.Rent(n);
        try
        {
            index.Search(query, n, scores, ids.AsSpan(0, n), new SearchOptions { Filter = rules, EfSearch = efSearch, Threads = 1 });
            int found = 0;
            for (; found < n && ids[found] >= 0; found++) rows[found] = rowOf is null ? (int)ids[found] : rowOf(ids[found]);
            return found;
        }
        finally { ArrayPool<long>.Shared.Return(ids); }
    }
}
