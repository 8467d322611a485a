using System.Text;

namespace Tandem.Data.IO;

/// <summary>
/// Adds the columns of <see cref="DataFile.Flags"/>: each holds, <c>|</c>-separated, the names of
/// its 0/1 flag columns whose field is <c>1</c>, so ml-100k's 19 genre flags read like the
/// <c>genres</c> column of the other MovieLens releases. Not thread-safe.
/// </summary>
sealed class FlagColumnsReader : IRowReader
{
    readonly IRowReader inner;
    readonly (string Name, int Ordinal)[][] flags;
    readonly string[] values;
    readonly StringBuilder text = new();

    /// <exception cref="DataException">A flag column is missing, or a new column's name is taken.</exception>
    public FlagColumnsReader(IRowReader inner, IReadOnlyDictionary<string, IReadOnlyList<string>> columns)
    {
        this.inner = inner;
        var names = columns.Keys.ToArray();
        flags = new (string, int)[names.Length][];
        for (int c = 0; c < names.Length; c++)
        {
            if (inner.Columns.Contains(names[c]))
                DataThrow.Config(inner.Source, $"flags: the column '{names[c]}' is already in the file; name the flags' column differently");
            flags[c] = columns[names[c]].Select(f => (f, Ordinal(inner, f))).ToArray();
        }
        values = new string[names.Length];
        Columns = [.. inner.Columns, .. names];
    }

    static int Ordinal(IRowReader reader, string column)
    {
        for (int i = 0; i < reader.Columns.Count; i++)
            if (reader.Columns[i] == column) return i;
        DataThrow.MissingColumn(reader.Source, column, reader.Columns);
        return -1;
    }

    /// <inheritdoc/>
    public string Source => inner.Source;
    /// <inheritdoc/>
    public IReadOnlyList<string> Columns { get; }
    /// <inheritdoc/>
    public long Line => inner.Line;
    /// <inheritdoc/>
    public int FieldCount => inner.FieldCount + values.Length;
    /// <inheritdoc/>
    public int ComputedColumns => values.Length;
    /// <inheritdoc/>
    public int RowCountHint => inner.RowCountHint;
    /// <inheritdoc/>
    public ReadOnlySpan<char> this[int ordinal] => ordinal >= inner.FieldCount ? values[ordinal - inner.FieldCount] : inner[ordinal];

    /// <inheritdoc/>
    public bool Read()
    {
        if (!inner.Read()) return false;
        // A row of the wrong width is rejected by the caller; its flags would be read from the wrong fields.
        bool whole = inner.FieldCount == inner.Columns.Count;
        for (int c = 0; c < values.Length; c++)
        {
            text.Clear();
            if (whole)
                foreach (var (name, ordinal) in flags[c])
                    if (inner[ordinal].Trim() is "1") text.Append(text.Length == 0 ? "" : "|").Append(name);
            values[c] = text.ToString();
        }
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();
}
