using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Tandem.Retrieval.Storage;

namespace Tandem.Retrieval.Persistence;

/// <summary>Writes an index body into a stream while hashing every byte for the trailer's checksum.</summary>
internal sealed class IndexWriter(Stream stream)
{
    readonly XxHash64 hash = new();

    public long Position { get; private set; }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        hash.Append(bytes);
        Position += bytes.Length;
    }

    public void Values<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        for (int at = 0; at < bytes.Length; at += 1 << 24) Bytes(bytes.Slice(at, Math.Min(1 << 24, bytes.Length - at)));
    }

    public void Int(int value) => Values<int>([value]);
    public void Long(long value) => Values<long>([value]);
    public void Float(float value) => Values<float>([value]);

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Int(bytes.Length);
        Bytes(bytes);
    }

    /// <summary>Pads with zeros to a multiple of 64 bytes so mapped arrays are cache-line aligned.</summary>
    public void Align()
    {
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        Bytes(zeros[..(int)((64 - Position % 64) % 64)]);
    }

    /// <summary>Writes a row count and the rows of <paramref name="array"/>, aligned for mapping.</summary>
    public unsafe void Rows<T>(ChunkedArray<T> array) where T : unmanaged
    {
        Int(array.Count);
        Align();
        for (int row = 0; row < array.Count;)
        {
            int run = array.ContiguousFrom(row, int.MaxValue);
            Values(new ReadOnlySpan<T>(array.Row(row), run * array.Width));
            row += run;
        }
    }

    public ulong Checksum => hash.GetCurrentHashAsUInt64();
}
