namespace Tandem.Serving.Catalogs;

/// <summary>
/// One display field of the items (a column of the items table: a title, genres, a brand): its
/// distinct values and each item's values as codes into them. A list field (a multi-valued column
/// such as genres) may hold several values per item; any other field holds at most one.
/// Immutable, so safe from any number of threads.
/// </summary>
public sealed class ItemField
{
    readonly Dictionary<string, int> codeOf = new(StringComparer.Ordinal);
    readonly List<string> values = [];
    readonly int[] offsets;
    readonly int[] codes;

    /// <summary>A field called <paramref name="name"/> with <paramref name="rows"/>' values (one array per item; empty when the item has none).</summary>
    /// <exception cref="ArgumentException">A single-valued field has an item with several values.</exception>
    public ItemField(string name, bool isList, IReadOnlyList<string[]> rows)
    {
        Name = name;
        IsList = isList;
        offsets = new int[rows.Count + 1];
        var all = new List<int>(rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            if (!isList && rows[r].Length > 1) throw new ArgumentException($"Field '{name}' holds one value per item, but item row {r} has {rows[r].Length}.");
            foreach (string value in rows[r])
            {
                if (!codeOf.TryGetValue(value, out int code))
                {
                    codeOf[value] = code = values.Count;
                    values.Add(value);
                }
                all.Add(code);
            }
            offsets[r + 1] = all.Count;
        }
        codes = [.. all];
    }

    /// <summary>The field's name (the column's).</summary>
    public string Name { get; }
    /// <summary>Whether items may hold several values (answered as a JSON array) rather than at most one (a string).</summary>
    public bool IsList { get; }
    /// <summary>Number of items (rows).</summary>
    public int Count => offsets.Length - 1;
    /// <summary>Every distinct value, in first-seen order; a code indexes this list.</summary>
    public IReadOnlyList<string> Values => values;

    /// <summary>The value codes of item row <paramref name="row"/> (an <see cref="ItemFields"/> row).</summary>
    public ReadOnlySpan<int> CodesOf(int row) => codes.AsSpan(offsets[row], offsets[row + 1] - offsets[row]);

    /// <summary>The code of <paramref name="value"/>, or -1 when no item has it.</summary>
    public int CodeOf(string value) => codeOf.TryGetValue(value, out int code) ? code : -1;
}
