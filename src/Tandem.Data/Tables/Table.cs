namespace Tandem.Data.Tables;

/// <summary>Columns read from one file, all of the same length.</summary>
public sealed class Table
{
    readonly Dictionary<string, Column> columns;

    internal Table(string source, IReadOnlyList<string> fileColumns, IEnumerable<Column> columns, int count)
    {
        Source = source;
        FileColumns = fileColumns;
        this.columns = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        Count = count;
    }

    /// <summary>The file the table was read from.</summary>
    public string Source { get; }

    /// <summary>Every column the file has, read or not.</summary>
    public IReadOnlyList<string> FileColumns { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>The columns that were read.</summary>
    public IReadOnlyCollection<Column> Columns => columns.Values;

    /// <summary>Whether column <paramref name="name"/> was read.</summary>
    public bool Has(string name) => columns.ContainsKey(name);

    /// <summary>Column <paramref name="name"/> as a <typeparamref name="T"/>.</summary>
    /// <exception cref="DataException">The table has no such column.</exception>
    public T Get<T>(string name) where T : Column
    {
        if (!columns.TryGetValue(name, out var c)) DataThrow.MissingColumn(Source, name, FileColumns);
        return c as T ?? throw new InvalidOperationException($"Column '{name}' was read as {c.GetType().Name}, not {typeof(T).Name}.");
    }
}
