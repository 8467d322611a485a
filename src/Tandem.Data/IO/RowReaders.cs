namespace Tandem.Data.IO;

/// <summary>Opens a row reader for a <see cref="DataFile"/>.</summary>
public static class RowReaders
{
    /// <summary>
    /// Delimited text when the file names a separator or its extension is <c>.csv</c> (comma),
    /// <c>.tsv</c>/<c>.txt</c> (tab) or <c>.dat</c> (<c>::</c>); else <c>.jsonl</c>/<c>.ndjson</c>
    /// as JSON Lines, <c>.parquet</c> as Parquet. <see cref="DataFile.Flags"/> apply to every format.
    /// </summary>
    /// <exception cref="DataException">The extension is unknown, the file is missing, or its options do not fit (the message names the file and the fix).</exception>
    public static IRowReader Open(DataFile file)
    {
        string path = file.Path;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        string? separator = file.Separator ?? ext switch { ".csv" => ",", ".tsv" or ".txt" => "\t", ".dat" => "::", _ => null };
        IRowReader reader;
        if (separator is not null)
        {
            reader = Delimited(file, separator);
        }
        else
        {
            if (ext is not (".jsonl" or ".ndjson" or ".parquet"))
                DataThrow.Config(path, $"unknown file type \"{ext}\"; expected .csv, .tsv, .txt, .dat, .jsonl, .ndjson or .parquet, or name the separator of delimited text");
            if (!file.Header || file.Columns is not null || file.Encoding is not null)
                DataThrow.Config(path, "header, columns and encoding apply to delimited text; JSON Lines and Parquet files name their own columns");
            reader = ext == ".parquet" ? new ParquetRowReader(path) : new JsonLinesRowReader(path);
        }
        return file.Flags is { Count: > 0 } flags ? new FlagColumnsReader(reader, flags) : reader;
    }

    static IRowReader Delimited(DataFile file, string separator)
    {
        string path = file.Path;
        if (separator.Length == 0) DataThrow.Config(path, "the separator is empty");
        if (!file.Header && file.Columns is not { Count: > 0 })
            DataThrow.Config(path, "header is false but no columns are named; list them in file order under \"columns\"");
        if (file.Header && file.Columns is not null)
            DataThrow.Config(path, "\"columns\" names the columns of a file without a header; set \"header\": false, or drop \"columns\" to read the header");
        if (file.Columns?.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } twice)
            DataThrow.Config(path, $"the column '{twice.Key}' is named twice under \"columns\"");
        var encoding = Encoding(file);
        string[]? columns = file.Header ? null : [.. file.Columns!];
        return separator is "," or ";" or "\t"
            ? new CsvRowReader(path, separator[0], columns, encoding)
            : new SeparatorRowReader(path, separator, columns, encoding);
    }

    static System.Text.Encoding? Encoding(DataFile file)
    {
        if (file.Encoding is null) return null;
        try
        {
            return System.Text.Encoding.GetEncoding(file.Encoding);
        }
        catch (ArgumentException)
        {
            DataThrow.Config(file.Path, $"unknown encoding \"{file.Encoding}\"; expected utf-8 or latin1 (iso-8859-1)");
            return null;
        }
    }
}
