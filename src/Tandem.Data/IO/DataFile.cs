using System.Text.Json.Serialization;

namespace Tandem.Data.IO;

/// <summary>
/// A data file and how to read it (<see cref="RowReaders.Open"/>). A plain path, which converts
/// implicitly from a string, reads by extension with the first line as the header; a headerless
/// file such as MovieLens <c>u.data</c> names its columns and separator:
/// <code>
/// new DataFile("u.data") { Header = false, Columns = ["userId", "movieId", "rating", "timestamp"], Separator = "\t" }
/// </code>
/// In JSON (schema files and the CLI config) either form is accepted: <c>"u.csv"</c> or
/// <c>{ "path": "u.data", "header": false, "columns": [...], "separator": "\t" }</c>.
/// </summary>
/// <param name="Path">The file.</param>
[JsonConverter(typeof(DataFileJsonConverter))]
public sealed record DataFile(string Path)
{
    /// <summary>Delimited text: whether the first line names the columns. Default true.</summary>
    public bool Header { get; init; } = true;

    /// <summary>Delimited text without a header: the column names in file order (required then, and only then).</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>
    /// Delimited text: the field separator, of any length (<c>\t</c>, <c>|</c>, <c>::</c>). Null: by
    /// extension, <c>.csv</c> comma, <c>.tsv</c>/<c>.txt</c> tab, <c>.dat</c> <c>::</c>. Comma,
    /// semicolon and tab read RFC 4180 quoted fields; any other separator splits each line literally.
    /// </summary>
    public string? Separator { get; init; }

    /// <summary>Delimited text: the encoding by name (<c>utf-8</c>, <c>latin1</c>). Null: UTF-8, or what a byte-order mark says.</summary>
    public string? Encoding { get; init; }

    /// <summary>
    /// Columns made from 0/1 flag columns: each key names a new column holding, <c>|</c>-separated,
    /// the names of its flag columns whose field is <c>1</c> (ml-100k's 19 genre flags become
    /// <c>genres</c>). Null: none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Flags { get; init; }

    /// <summary>A file read by its extension, with a header.</summary>
    public static implicit operator DataFile(string path) => new(path);

    /// <summary>This file with a relative path resolved against <paramref name="folder"/> (an absolute one is kept).</summary>
    public DataFile Resolve(string folder) => this with { Path = System.IO.Path.GetFullPath(Path, folder) };

    /// <summary>Equal paths and options, the columns and flags compared element by element.</summary>
    public bool Equals(DataFile? other) =>
        other is not null && Path == other.Path && Header == other.Header && Separator == other.Separator && Encoding == other.Encoding
        && Same(Columns, other.Columns)
        && (Flags is null ? other.Flags is null : other.Flags is not null && Flags.Count == other.Flags.Count
            && Flags.All(f => other.Flags.TryGetValue(f.Key, out var o) && f.Value.SequenceEqual(o)));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Path, Header, Separator, Encoding, Columns?.Count, Flags?.Count);

    static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <summary>The path, as error messages name the file.</summary>
    public override string ToString() => Path;
}
