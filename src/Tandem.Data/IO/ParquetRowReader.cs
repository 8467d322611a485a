using System.Globalization;
using Parquet.Serialization;

namespace Tandem.Data.IO;

/// <summary>
/// Parquet through Parquet.Net: the file is read whole (all row groups), then served row by
/// row like the text formats; values are formatted with the invariant culture, lists joined by
/// commas. Line numbers are 1-based data rows plus one, so they read like a CSV with a header.
/// </summary>
public sealed class ParquetRowReader : IRowReader
{
    readonly string[] columns;
    readonly IList<Dictionary<string, object>> rows;
    readonly string[] values;
    int row = -1;

    /// <summary>Reads <paramref name="path"/>.</summary>
    public ParquetRowReader(string path)
    {
        if (!File.Exists(path)) DataThrow.FileNotFound(path, "check the path, --data-dir or TANDEM_DATA");
        Source = path;
        using var stream = File.OpenRead(path);
        var result = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
        columns = result.Schema.DataFields.Select(f => f.Name).ToArray();
        rows = result.Data;
        values = new string[columns.Length];
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => columns;

    /// <inheritdoc/>
    public long Line => row + 2;

    /// <inheritdoc/>
    public int FieldCount => columns.Length;

    /// <inheritdoc/>
    public ReadOnlySpan<char> this[int ordinal] => values[ordinal];

    /// <inheritdoc/>
    public bool Read()
    {
        if (++row >= rows.Count) return false;
        var r = rows[row];
        for (int i = 0; i < columns.Length; i++)
            values[i] = r.TryGetValue(columns[i], out var v) ? Text(v) : "";
        return true;
    }

    static string Text(object? v) => v switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => string.Join(",", list.Cast<object?>().Select(Text)),
        _ => v.ToString() ?? "",
    };

    /// <inheritdoc/>
    public void Dispose() { }
}
