using System.Globalization;
using Parquet;
using Parquet.Serialization;

namespace Tandem.Data.IO;

/// <summary>
/// Parquet through Parquet.Net, streamed one row group at a time: only the current group's rows
/// are in memory, so a file larger than memory reads in bounded space (a writer's row-group size
/// sets the bound). Rows are served like the text formats; values are formatted with the invariant
/// culture, lists joined by commas. Line numbers are 1-based data rows plus one, so they read like
/// a CSV with a header.
/// </summary>
public sealed class ParquetRowReader : IRowReader
{
    readonly FileStream stream;
    readonly string[] columns;
    readonly string[] values;
    readonly int groups;
    readonly long totalRows;
    IList<Dictionary<string, object>> rows = [];
    int group = -1, inGroup = -1;
    long row = -1;

    /// <summary>Opens <paramref name="path"/> and reads its footer (schema and row-group sizes).</summary>
    public ParquetRowReader(string path)
    {
        if (!File.Exists(path)) DataThrow.FileNotFound(path, "check the path, --data-dir or TANDEM_DATA");
        Source = path;
        stream = File.OpenRead(path);
        try
        {
            // The schema and row groups decode lazily: every access to them is guarded.
            (columns, groups, totalRows) = Guard(() =>
            {
                var footer = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
                try { return (footer.Schema.DataFields.Select(f => f.Name).ToArray(), footer.RowGroupCount, footer.RowGroups.Sum(g => g.RowCount)); }
                finally { footer.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            }, "");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
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
    public int RowCountHint => (int)Math.Min(int.MaxValue, totalRows);

    /// <summary>Rows held in memory now: those of the current row group only.</summary>
    internal int ResidentRows => rows.Count;

    /// <inheritdoc/>
    public bool Read()
    {
        while (++inGroup >= rows.Count)
        {
            if (++group >= groups) return false;
            rows = [];  // let the previous group go before the next one is read
            stream.Position = 0;
            rows = Guard(() => ParquetSerializer.DeserializeUntypedAsync(stream, null, group).GetAwaiter().GetResult().Data, $" (row group {group + 1} of {groups})");
            inGroup = -1;
        }
        row++;
        var r = rows[inGroup];
        for (int i = 0; i < columns.Length; i++)
            values[i] = r.TryGetValue(columns[i], out var v) ? Text(v) : "";
        return true;
    }

    /// <summary>Runs a Parquet.Net read, turning its failures into one line naming the file.</summary>
    T Guard<T>(Func<T> read, string where)
    {
        try { return read(); }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ParquetException or Parquet.Meta.Proto.ThriftProtocolException)
        {
            DataThrow.Data($"{Source}: not a readable Parquet file{where}: {e.Message}");
            throw;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or DataException))
        {
            // A damaged file trips the library's own checks; its wording (parameter names) means nothing to the user.
            DataThrow.Data($"{Source}: not a readable Parquet file{where}: it is damaged ({e.GetType().Name} while decoding it)");
            throw;
        }
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
    public void Dispose() => stream.Dispose();
}
