using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tandem.Tensors;

namespace Tandem.IO;

/// <summary>
/// A tensor section: u8 dtype (1 = float32), u8 rank, u16 zero, i32 dims[rank], then the
/// little-endian elements in row-major order: bit for bit what was in memory.
/// </summary>
static class TensorCodec
{
    const byte Float32 = 1;
    internal const int MaxRank = 8;

    internal static void Write(Stream stream, Tensor tensor)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Tandem files are written on little-endian machines only.");
        Span<byte> head = stackalloc byte[4 + 4 * MaxRank];
        var shape = tensor.Shape;
        head[0] = Float32;
        head[1] = (byte)shape.Length;
        head[2] = head[3] = 0;
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(head[(4 + 4 * i)..], shape[i]);
        stream.Write(head[..(4 + 4 * shape.Length)]);
        stream.Write(MemoryMarshal.AsBytes(tensor.Span));
    }

    /// <summary>Reads the shape from a section of <paramref name="length"/> bytes, checking it accounts for exactly every byte.</summary>
    internal static int[] ReadShape(Stream stream, long length, string path, string section)
    {
        Span<byte> head = stackalloc byte[4 + 4 * MaxRank];
        if (length < 4) FileThrow.Corrupt(path, $"tensor section '{section}' is {length} bytes, too short for its header");
        stream.ReadExactly(head[..4]);
        if (head[0] != Float32) FileThrow.Corrupt(path, $"tensor section '{section}' has unknown dtype {head[0]} (expected 1, float32)");
        int rank = head[1];
        if (rank > MaxRank) FileThrow.Corrupt(path, $"tensor section '{section}' claims rank {rank} (at most {MaxRank})");
        if (length < 4 + 4L * rank) FileThrow.Corrupt(path, $"tensor section '{section}' is {length} bytes, too short for a rank-{rank} shape");
        stream.ReadExactly(head.Slice(4, 4 * rank));
        var shape = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32LittleEndian(head[(4 + 4 * i)..]);
            if (shape[i] < 0) FileThrow.Corrupt(path, $"tensor section '{section}' claims a negative dimension {shape[i]}");
            elements *= shape[i];
            if (elements > int.MaxValue) FileThrow.Corrupt(path, $"tensor section '{section}' claims shape {FileThrow.Shape(shape.AsSpan(0, i + 1))}…, more than {int.MaxValue} elements");
        }
        long expected = 4 + 4L * rank + 4 * elements;
        if (expected != length)
            FileThrow.Corrupt(path, $"tensor section '{section}' of shape {FileThrow.Shape(shape)} needs {expected} bytes but has {length}");
        return shape;
    }

    /// <summary>Reads the elements that follow the shape into <paramref name="destination"/>.</summary>
    internal static void ReadData(Stream stream, Tensor destination) =>
        stream.ReadExactly(MemoryMarshal.AsBytes(destination.Span));
}
