namespace Tandem.Data.IO;

/// <summary>
/// A side table with one more column: the path of each row's image, <c>{folder}/{key}{extension}</c>
/// when that file exists, else "" (no image). For image folders named by item key, such as
/// ml-latest-small-posters. Not thread-safe.
/// </summary>
public sealed class ImagePathReader : IRowReader
{
    readonly IRowReader inner;
    readonly int key;
    readonly string folder, extension;
    readonly HashSet<string> files;
    string current = "";

    /// <summary>Adds <paramref name="column"/> to <paramref name="inner"/>, keyed by its column <paramref name="keyColumn"/>.</summary>
    /// <exception cref="DataException">The folder does not exist or the key column is missing.</exception>
    public ImagePathReader(IRowReader inner, string keyColumn, string column, string folder, string extension = ".jpg")
    {
        if (!Directory.Exists(folder)) DataThrow.FileNotFound(folder, "the image folder must hold one file per key, e.g. 1.jpg");
        key = -1;
        for (int i = 0; i < inner.Columns.Count; i++) if (inner.Columns[i] == keyColumn) key = i;
        if (key < 0) DataThrow.MissingColumn(inner.Source, keyColumn, inner.Columns);
        this.inner = inner;
        this.folder = folder;
        this.extension = extension;
        files = Directory.EnumerateFiles(folder, "*" + extension).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)!;
        Columns = [.. inner.Columns, column];
    }

    /// <inheritdoc/>
    public string Source => inner.Source;
    /// <inheritdoc/>
    public IReadOnlyList<string> Columns { get; }
    /// <inheritdoc/>
    public long Line => inner.Line;
    /// <inheritdoc/>
    public int FieldCount => inner.FieldCount + 1;
    /// <inheritdoc/>
    public int ComputedColumns => inner.ComputedColumns + 1;
    /// <inheritdoc/>
    public int RowCountHint => inner.RowCountHint;
    /// <inheritdoc/>
    public ReadOnlySpan<char> this[int ordinal] => ordinal == inner.FieldCount ? current : inner[ordinal];

    /// <inheritdoc/>
    public bool Read()
    {
        if (!inner.Read()) return false;
        string name = string.Concat(inner[key], extension);
        current = files.Contains(name) ? Path.Combine(folder, name) : "";
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();
}
