using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// One request's restrictions on returned items, tested inside the index search so K allowed
/// items come back when K exist: an allow-list, exclusions, the user's seen items (sorted, by
/// binary search) and genres (one AND on the item's genre bits). Immutable, so thread-safe.
/// </summary>
sealed class CandidateFilter(ItemCatalog catalog, HashSet<long>? allowed, HashSet<long>? excluded, long[] seen, ulong genres) : IdFilter
{
    /// <summary>A filter for the given restrictions, or null when there are none (the search then skips the test).</summary>
    public static CandidateFilter? Create(ItemCatalog catalog, HashSet<long>? allowed, HashSet<long>? excluded, long[] seen, ulong genres) =>
        allowed is null && excluded is null && seen.Length == 0 && genres == 0 ? null : new(catalog, allowed, excluded, seen, genres);

    /// <inheritdoc/>
    public override bool Allows(long id)
    {
        if (allowed is not null && !allowed.Contains(id)) return false;
        if (excluded is not null && excluded.Contains(id)) return false;
        if (seen.Length > 0 && Array.BinarySearch(seen, id) >= 0) return false;
        if (genres == 0) return true;
        int row = catalog.RowOf(id);
        return row >= 0 && (catalog.GenreMask(row) & genres) != 0;
    }
}
