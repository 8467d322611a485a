using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tandem.IO;


namespace Tandem.Retrieval.Formats;

/// <summary>
/// The <c>.fvecs</c> format of the TEXMEX corpora (SIFT1M, GIST1M) used by FAISS: each vector is a
/// little-endian int32 dimension followed by that many float32 values.
/// </summary>
public static class Fvecs
{
    /// <summary>Reads every vector; all must share one dimension.</summary>
    /// <exception cref="TandemFileException">The file is missing, empty, truncated or mixes dimensions; the message says where.</exception>
    public static VectorSet Read(string path)
    {
        if (!File.Exists(path)) FileThrow.File(path, "no such .fvecs file; check the path");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4) FileThrow.File(path, "too short for an .fvecs file (no dimension field).");
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (dimension <= 0 || dimension > 1 << 16) FileThrow.File(path, $"first vector's dimension field is {dimension}; not an .fvecs file?");
        long record = 4 + 4L * dimension;
        if (bytes.Length % record != 0)
            FileThrow.File(path, $"{bytes.Length} bytes is not a whole number of {record}-byte records of dimension {dimension}; the file is truncated or mixes dimensions.");
        int rows = (int)(bytes.Length / record);
        var data = new float[(long)rows * dimension];
        for (int r = 0; r < rows; r++)
        {
            int at = (int)(r * record);
            int d = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            if (d != dimension) FileThrow.File(path, $"vector {r} (byte {at}) has dimension {d}, the first has {dimension}.");
            MemoryMarshal.Cast<byte, float>(bytes.AsSpan(at + 4, 4 * dimension)).CopyTo(data.AsSpan(r * dimension, dimension));
        }
        return new VectorSet(data, rows, dimension);
    }

    /// <summary>Writes <paramref name="vectors"/> as <c>.fvecs</c>, atomically.</summary>
    public static void Write(string path, VectorSet vectors) => AtomicFile.Write(path, stream =>
    {
        Span<byte> dimension = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(dimension, vectors.Dimension);
        for (int r = 0; r < vectors.Rows; r++)
        {
            stream.Write(dimension);
            stream.Write(MemoryMarshal.AsBytes(vectors.Row(r)));
        }
    });
}
