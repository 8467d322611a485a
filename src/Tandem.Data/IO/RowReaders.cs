namespace Tandem.Data.IO;

/// <summary>Opens a row reader chosen by file extension.</summary>
public static class RowReaders
{
    /// <summary>
    /// <c>.csv</c> → comma, <c>.tsv</c>/<c>.txt</c> → tab, <c>.dat</c> → <c>::</c>,
    /// <c>.jsonl</c>/<c>.ndjson</c> → JSON Lines, <c>.parquet</c> → Parquet.
    /// </summary>
    /// <exception cref="DataException">The extension is unknown or the file is missing.</exception>
    public static IRowReader Open(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".csv" => new CsvRowReader(path, ','),
            ".tsv" or ".txt" => new CsvRowReader(path, '\t'),
            ".dat" => new SeparatorRowReader(path, "::"),
            ".jsonl" or ".ndjson" => new JsonLinesRowReader(path),
            ".parquet" => new ParquetRowReader(path),
            _ => Unknown(path, ext),
        };
    }

    static IRowReader Unknown(string path, string ext)
    {
        DataThrow.Config(path, $"unknown file type \"{ext}\"; expected .csv, .tsv, .txt, .dat, .jsonl, .ndjson or .parquet");
        return null;
    }
}
