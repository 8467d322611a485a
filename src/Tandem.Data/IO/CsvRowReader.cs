using System.Globalization;
using Sylvan.Data.Csv;

namespace Tandem.Data.IO;

/// <summary>
/// RFC 4180 delimited text (CSV, TSV, any one-character delimiter) with quoting, streamed by
/// Sylvan.Data.Csv. Line numbers count the header as line 1 and assume no quoted newlines
/// before the row (the reader reports record numbers, which differ only in that case).
/// </summary>
public sealed class CsvRowReader : IRowReader
{
    readonly CsvDataReader csv;
    readonly string[] columns;
    readonly bool hasHeader;

    /// <summary>Opens <paramref name="path"/>; <paramref name="columns"/> names the columns of a headerless file; <paramref name="encoding"/> null is UTF-8.</summary>
    public CsvRowReader(string path, char delimiter = ',', string[]? columns = null, System.Text.Encoding? encoding = null)
        : this(OpenText(path, encoding), path, delimiter, columns) => RowCountHint = EstimateRows(path);

    /// <summary>Reads delimited text from <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public CsvRowReader(TextReader text, string source, char delimiter = ',', string[]? columns = null)
    {
        Source = source;
        hasHeader = columns is null;
        var options = new CsvDataReaderOptions
        {
            Delimiter = delimiter,
            HasHeaders = hasHeader,
            Culture = CultureInfo.InvariantCulture,
            BufferSize = 1 << 16,
            OwnsReader = true,
        };
        try
        {
            csv = CsvDataReader.Create(text, options);
        }
        catch (CsvMissingHeadersException)
        {
            text.Dispose();
            DataThrow.Data($"{source}: the file is empty; expected a header line naming the columns, then one row per record");
        }
        catch (CsvFormatException e)
        {
            text.Dispose();
            DataThrow.Malformed(source, 1, Explain(e));
        }
        this.columns = columns ?? Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
    }

    internal static StreamReader OpenText(string path, System.Text.Encoding? encoding = null)
    {
        if (!File.Exists(path)) DataThrow.FileNotFound(path, "check the path, --data-dir or TANDEM_DATA");
        return new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16),
            encoding ?? System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <inheritdoc/>
    public int RowCountHint { get; }

    /// <summary>Rows in a file, from the newlines in its first megabyte scaled to its length (at most 2^30).</summary>
    internal static int EstimateRows(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var sample = new byte[(int)Math.Min(file.Length, 1 << 20)];
        file.ReadExactly(sample);
        int lines = sample.AsSpan().Count((byte)'\n');
        if (lines == 0) return 0;
        return (int)Math.Min(1L << 30, (long)(file.Length / ((double)sample.Length / lines) * 1.02) + 16);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => columns;

    /// <inheritdoc/>
    public long Line => csv.RowNumber + (hasHeader ? 1 : 0);

    /// <inheritdoc/>
    public int FieldCount => csv.RowFieldCount;

    /// <inheritdoc/>
    public ReadOnlySpan<char> this[int ordinal] => csv.GetFieldSpan(ordinal);

    /// <inheritdoc/>
    public bool Read()
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException e)
        {
            DataThrow.Malformed(Source, csv.RowNumber + 1, Explain(e));
            return false;
        }
    }

    /// <summary>The parser's complaint in plain words (its own speaks of buffer settings).</summary>
    static string Explain(CsvFormatException e) => e switch
    {
        CsvRecordTooLargeException => "a quote (\") opened on this row is never closed, or the row is longer than 65,536 characters",
        _ when e.Message.Contains("without a closing quote", StringComparison.Ordinal) => "a quote (\") opened on this row is never closed",
        CsvInvalidCharacterException => "text follows a closing quote (\"); write a quote inside a quoted field as two (\"\")",
        _ => e.Message,
    };

    /// <inheritdoc/>
    public void Dispose() => csv.Dispose();
}
