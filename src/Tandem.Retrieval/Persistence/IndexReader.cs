using System.Text;
using Tandem.Retrieval.Storage;

namespace Tandem.Retrieval.Persistence;

/// <summary>
/// Reads an index body from a mapped file, checking every length against the bytes left and
/// naming the field and file in each error.
/// </summary>
/// <remarks>Positions are offsets from the start of the file, so alignment agrees with the writer's.</remarks>
internal sealed unsafe class IndexReader(byte* start, long position, long length, string path, bool memoryMap)
{

    public string Path => path;

    /// <summary>True when large arrays should point into the mapping instead of being copied.</summary>
    public bool MemoryMap => memoryMap;

    byte* Take(long bytes, string field)
    {
        if (bytes < 0 || bytes > length - position)
            RetrievalThrow.BadFile(path, $"field '{field}' needs {bytes} bytes at offset {position} but only {length - position} remain; the file is truncated or corrupted.");
        byte* at = start + position;
        position += bytes;
        return at;
    }

    T Value<T>(string field) where T : unmanaged => *(T*)Take(sizeof(T), field);

    public int Int(string field, int min = int.MinValue, int max = int.MaxValue)
    {
        int value = Value<int>(field);
        if (value < min || value > max) RetrievalThrow.BadFile(path, $"field '{field}' is {value}, expected {min}..{max}.");
        return value;
    }

    public long Long(string field) => Value<long>(field);
    public float Float(string field) => Value<float>(field);

    public string String(string field)
    {
        int bytes = Int(field + " length", 0, 1 << 20);
        return Encoding.UTF8.GetString(Take(bytes, field), bytes);
    }

    public void Align() => Take((64 - position % 64) % 64, "padding");

    /// <summary>A copy of <paramref name="count"/> values.</summary>
    public T[] Array<T>(string field, long count) where T : unmanaged
    {
        if (count < 0 || count > int.MaxValue) RetrievalThrow.BadFile(path, $"field '{field}' has impossible length {count}.");
        byte* at = Take(count * sizeof(T), field);
        return new ReadOnlySpan<T>(at, (int)count).ToArray();
    }

    /// <summary>Reads what <see cref="IndexWriter.Rows{T}"/> wrote into the empty <paramref name="array"/>.</summary>
    public void Rows<T>(ChunkedArray<T> array, string field, int expectedRows = -1) where T : unmanaged
    {
        int rows = Int(field + " rows", 0);
        if (expectedRows >= 0 && rows != expectedRows) RetrievalThrow.BadFile(path, $"field '{field}' has {rows} rows, expected {expectedRows}.");
        Align();
        T* data = (T*)Take((long)rows * array.Width * sizeof(T), field);
        if (memoryMap) array.AttachMapped(data, rows);
        else array.Append(new ReadOnlySpan<T>(data, checked(rows * array.Width)));
    }

    public void ExpectEnd()
    {
        if (position != length) RetrievalThrow.BadFile(path, $"{length - position} unexpected bytes after the index body.");
    }
}
