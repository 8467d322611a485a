using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Tandem.IO;


namespace Tandem.Retrieval.Formats;

/// <summary>
/// NumPy <c>.npy</c> matrices of 32-bit floats (what <c>numpy.save</c> writes for FAISS users):
/// magic <c>\x93NUMPY</c>, version, a header dict, then row-major little-endian data.
/// </summary>
public static partial class Npy
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a 2-D (or 1-D, as one row) little-endian float32 or float64 array, converting float64 to float32.</summary>
    /// <exception cref="TandemFileException">The file is missing or not such an array; the message names the file and the problem.</exception>
    public static VectorSet Read(string path)
    {
        if (!File.Exists(path)) FileThrow.File(path, "no such .npy file; check the path");
        using var stream = File.OpenRead(path);
        Span<byte> start = stackalloc byte[10];
        if (stream.ReadAtLeast(start, 10, throwOnEndOfStream: false) < 10 || !start[..6].SequenceEqual(Magic))
            FileThrow.File(path, "not a .npy file (missing the \\x93NUMPY magic).");
        int major = start[6];
        int headerLength;
        if (major == 1) headerLength = BinaryPrimitives.ReadUInt16LittleEndian(start[8..]);
        else if (major is 2 or 3)
        {
            Span<byte> more = stackalloc byte[2];
            stream.ReadExactly(more);
            headerLength = BinaryPrimitives.ReadInt32LittleEndian([start[8], start[9], more[0], more[1]]);
        }
        else return FileThrow.File<VectorSet>(path, $".npy format version {major} is not supported (1, 2 or 3).");
        if (headerLength <= 0 || headerLength > 1 << 20) FileThrow.File(path, $".npy header length {headerLength} is impossible.");
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength) FileThrow.File(path, ".npy header is truncated.");
        string header = Encoding.Latin1.GetString(headerBytes);
        string descr = Field(path, header, DescrPattern(), "descr");
        if (Field(path, header, FortranPattern(), "fortran_order") != "False")
            FileThrow.File(path, "array is in Fortran (column-major) order; save it with numpy.ascontiguousarray first.");
        var shape = Field(path, header, ShapePattern(), "shape").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => long.TryParse(d, out long v) ? v : FileThrow.File<long>(path, $".npy shape entry '{d}' is not a whole number.")).ToArray();
        if (shape.Length is < 1 or > 2) FileThrow.File(path, $"array has {shape.Length} dimensions; expected a rows × dimension matrix.");
        long rows = shape.Length == 2 ? shape[0] : 1, dimension = shape[^1];
        int width = descr switch { "<f4" => 4, "<f8" => 8, _ => FileThrow.File<int>(path, $"dtype '{descr}' is not supported; save the vectors as float32 ('<f4')."), };
        if (dimension <= 0 || rows * dimension > int.MaxValue) FileThrow.File(path, $"shape ({rows}, {dimension}) is empty or too large.");
        long dataBytes = rows * dimension * width, available = stream.Length - stream.Position;
        if (available < dataBytes) FileThrow.File(path, $"data is truncated: shape ({rows}, {dimension}) needs {dataBytes} bytes, the file holds {available}.");
        var data = new float[rows * dimension];
        if (width == 4) stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        else
        {
            var doubles = new double[data.Length];
            stream.ReadExactly(MemoryMarshal.AsBytes(doubles.AsSpan()));
            for (int i = 0; i < data.Length; i++) data[i] = (float)doubles[i];
        }
        return new VectorSet(data, (int)rows, (int)dimension);
    }

    /// <summary>Writes <paramref name="vectors"/> as a version-1 float32 <c>.npy</c>, atomically.</summary>
    public static void Write(string path, VectorSet vectors)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({vectors.Rows}, {vectors.Dimension}), }}";
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.Write([1, 0]);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            stream.Write(length);
            stream.Write(Encoding.Latin1.GetBytes(header));
            stream.Write(MemoryMarshal.AsBytes(vectors.Data.AsSpan(0, vectors.Rows * vectors.Dimension)));
        });
    }

    static string Field(string path, string header, Regex pattern, string name)
    {
        var match = pattern.Match(header);
        return match.Success ? match.Groups[1].Value : FileThrow.File<string>(path, $".npy header has no readable '{name}': {header.Trim()}");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapePattern();
}
