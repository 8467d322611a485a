namespace Tandem.Data.IO;

/// <summary>
/// Rows split on a literal separator string of any length, with no quoting: MovieLens' <c>::</c>
/// files (<c>ml-1m</c>) and the pipe-separated <c>ml-100k</c> files.
/// </summary>
public sealed class SeparatorRowReader : IRowReader
{
    readonly TextReader text;
    readonly string separator;
    readonly string[] columns;
    readonly List<Range> fields = new(16);
    string current = "";
    long line;

    /// <summary>Opens <paramref name="path"/>; without <paramref name="columns"/> the first line is the header.</summary>
    public SeparatorRowReader(string path, string separator, string[]? columns = null, System.Text.Encoding? encoding = null)
        : this(CsvRowReader.OpenText(path, encoding), path, separator, columns) => RowCountHint = CsvRowReader.EstimateRows(path);

    /// <summary>Reads from <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public SeparatorRowReader(TextReader text, string source, string separator, string[]? columns = null)
    {
        if (separator.Length == 0) throw new ArgumentException("The separator cannot be empty.", nameof(separator));
        this.text = text;
        this.separator = separator;
        Source = source;
        if (columns is null)
        {
            if (!Read()) DataThrow.Malformed(source, 1, "the file is empty; expected a header line");
            columns = new string[fields.Count];
            for (int i = 0; i < columns.Length; i++) columns[i] = this[i].ToString();
        }
        this.columns = columns;
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <inheritdoc/>
    public int RowCountHint { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => columns;

    /// <inheritdoc/>
    public long Line => line;

    /// <inheritdoc/>
    public int FieldCount => fields.Count;

    /// <inheritdoc/>
    public ReadOnlySpan<char> this[int ordinal] => current.AsSpan()[fields[ordinal]];

    /// <inheritdoc/>
    public bool Read()
    {
        string? next;
        do
        {
            next = text.ReadLine();
            if (next is null) return false;
            line++;
        } while (next.Length == 0);
        current = next;
        fields.Clear();
        var rest = current.AsSpan();
        int start = 0;
        while (true)
        {
            int at = rest[start..].IndexOf(separator);
            if (at < 0) { fields.Add(start..rest.Length); break; }
            fields.Add(start..(start + at));
            start += at + separator.Length;
        }
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => text.Dispose();
}
