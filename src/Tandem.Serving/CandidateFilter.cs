using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// One request's restrictions on returned items, tested inside the index search so K allowed
/// items come back when K exist: an allow-list, exclusions, the user's seen items (sorted, by
/// binary search) and display-field values. Works on catalogue rows; an index id is mapped to
/// its row first, and an indexed item outside the catalogue passes only unrestricted by an
/// allow-list or a field. Immutable, so thread-safe.
/// </summary>
sealed class CandidateFilter(ServingModel model, HashSet<int>? allowed, HashSet<int>? excluded, int[] seen, FieldMatch[] fields) : IdFilter
{
    /// <summary>A filter for the given restrictions, or null when there are none (the search then skips the test).</summary>
    public static CandidateFilter? Create(ServingModel model, HashSet<int>? allowed, HashSet<int>? excluded, int[] seen, FieldMatch[] fields) =>
        allowed is null && excluded is null && seen.Length == 0 && fields.Length == 0 ? null : new(model, allowed, excluded, seen, fields);

    /// <inheritdoc/>
    public override bool Allows(long id) => AllowsRow(model.RowOf(id));

    /// <summary>Whether catalogue row <paramref name="row"/> (-1: an indexed item outside the catalogue) may be returned.</summary>
    public bool AllowsRow(int row)
    {
        if (row < 0) return allowed is null && fields.Length == 0;
        if (allowed is not null && !allowed.Contains(row)) return false;
        if (excluded is not null && excluded.Contains(row)) return false;
        if (seen.Length > 0 && Array.BinarySearch(seen, row) >= 0) return false;
        if (fields.Length == 0) return true;
        int fieldRow = model.Items.FieldRow(row);
        if (fieldRow < 0) return false;
        foreach (var match in fields)
            if (!match.Matches(fieldRow)) return false;
        return true;
    }
}

/// <summary>One field's condition: the item holds at least one of <paramref name="codes"/> (value codes of <paramref name="field"/>).</summary>
readonly struct FieldMatch(ItemField field, int[] codes)
{
    /// <summary>Whether item row <paramref name="fieldRow"/> of the fields holds one of the values.</summary>
    public bool Matches(int fieldRow)
    {
        foreach (int code in field.CodesOf(fieldRow))
            if (Array.IndexOf(codes, code) >= 0) return true;
        return false;
    }
}
