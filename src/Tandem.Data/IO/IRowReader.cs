namespace Tandem.Data.IO;

/// <summary>
/// A forward-only cursor over the rows of one file. Fields are spans valid until the next
/// <see cref="Read"/>; numbers are parsed by the caller with the invariant culture.
/// Not thread-safe: one reader, one thread.
/// </summary>
public interface IRowReader : IDisposable
{
    /// <summary>The file (or other source) name used in error messages.</summary>
    string Source { get; }

    /// <summary>Column names, from the header or given by the caller for headerless formats.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>Advances to the next row; false at the end.</summary>
    bool Read();

    /// <summary>1-based line number of the current row in the file (the header is line 1).</summary>
    long Line { get; }

    /// <summary>Number of fields in the current row.</summary>
    int FieldCount { get; }

    /// <summary>The text of field <paramref name="ordinal"/> of the current row, unquoted.</summary>
    ReadOnlySpan<char> this[int ordinal] { get; }

    /// <summary>
    /// How many of <see cref="Columns"/> (the last ones) are computed from the others rather than
    /// read from the file; field counts in error messages leave them out. Default 0.
    /// </summary>
    int ComputedColumns => 0;

    /// <summary>An estimate of the rows left, used to size columns up front; 0 if unknown.</summary>
    int RowCountHint => 0;
}
