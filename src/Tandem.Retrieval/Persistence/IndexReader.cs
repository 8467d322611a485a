using System.Text;
using Tandem.IO;
using Tandem.Retrieval.Storage;

namespace Tandem.Retrieval.Persistence;

/// <summary>
/// Reads what <see cref="IndexWriter"/> planned from a mapped, validated index file: the header's
/// fields in order, each checked against the bytes left, and array sections in bulk (or left in the
/// mapping), each checked against the size it must have. Errors name the field and the file.
/// </summary>
internal sealed unsafe class IndexReader
{
    readonly TandemFileReader file;
    readonly string prefix;
    readonly byte* header;
    readonly long length;
    long position;

    public IndexReader(TandemFileReader file, string prefix, bool memoryMap)
    {
        this.file = file;
        this.prefix = prefix;
        MemoryMap = memoryMap;
        header = Section("header", out length);
    }

    public string Path => file.Path;

    /// <summary>True when large arrays should point into the mapping instead of being copied.</summary>
    public bool MemoryMap { get; }

    byte* Section(string field, out long bytes)
    {
        string name = prefix + field;
        bytes = file.Section(name, SectionKind.Bytes).Length;
        return file.Pointer(name, SectionKind.Bytes);
    }

    byte* Take(long bytes, string field)
    {
        if (bytes < 0 || bytes > length - position)
            FileThrow.Corrupt(Path, $"field '{field}' needs {bytes} bytes at offset {position} of section '{prefix}header' but only {length - position} remain");
        byte* at = header + position;
        position += bytes;
        return at;
    }

    public int Int(string field, int min = int.MinValue, int max = int.MaxValue)
    {
        int value = *(int*)Take(sizeof(int), field);
        if (value < min || value > max) FileThrow.Corrupt(Path, $"field '{field}' is {value}, expected {min}..{max}");
        return value;
    }

    public string String(string field)
    {
        int bytes = Int(field + " length", 0, 1 << 20);
        return Encoding.UTF8.GetString(Take(bytes, field), bytes);
    }

    /// <summary>A copy of <paramref name="count"/> small values from the header.</summary>
    public T[] HeaderValues<T>(string field, long count) where T : unmanaged
    {
        if (count < 0 || count > int.MaxValue) FileThrow.Corrupt(Path, $"field '{field}' has impossible length {count}");
        return new ReadOnlySpan<T>(Take(count * sizeof(T), field), (int)count).ToArray();
    }

    /// <summary>Section <paramref name="field"/>, which must hold <paramref name="count"/> values of <typeparamref name="T"/>, in the mapping.</summary>
    public T* Values<T>(string field, long count) where T : unmanaged
    {
        byte* at = Section(field, out long bytes);
        if (count < 0 || count > bytes || bytes != count * sizeof(T))
            FileThrow.Corrupt(Path, $"section '{prefix}{field}' has {bytes} bytes but must hold {count} values of {sizeof(T)} bytes");
        return (T*)at;
    }

    /// <summary>As <see cref="Values{T}(string, long)"/>, as a span (up to 2^31-1 values).</summary>
    public ReadOnlySpan<T> Array<T>(string field, int count) where T : unmanaged => new(Values<T>(field, count), count);

    /// <summary>Reads section <paramref name="field"/> into the empty <paramref name="array"/>: mapped or copied in bulk.</summary>
    public void Rows<T>(ChunkedArray<T> array, string field, int expectedRows = -1) where T : unmanaged
    {
        T* data = (T*)Section(field, out long bytes);
        long rowBytes = (long)array.Width * sizeof(T);
        long rows = bytes / rowBytes;
        if (bytes % rowBytes != 0 || rows > int.MaxValue)
            FileThrow.Corrupt(Path, $"section '{prefix}{field}' has {bytes} bytes, not a whole number of {rowBytes}-byte rows");
        if (expectedRows >= 0 && rows != expectedRows) FileThrow.Corrupt(Path, $"section '{prefix}{field}' has {rows} rows, expected {expectedRows}");
        if (MemoryMap) array.AttachMapped(data, (int)rows);
        else array.Append(new ReadOnlySpan<T>(data, checked((int)rows * array.Width)));
    }

    /// <summary>A reader for the index nested under <c>{prefix}{name}/</c>.</summary>
    public IndexReader Nested(string name) => new(file, $"{prefix}{name}/", MemoryMap);

    public void ExpectEnd()
    {
        if (position != length) FileThrow.Corrupt(Path, $"{length - position} unexpected bytes after the fields of section '{prefix}header'");
    }
}
