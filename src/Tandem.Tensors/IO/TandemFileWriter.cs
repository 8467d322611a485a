using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Tandem.Tensors;

namespace Tandem.IO;

/// <summary>
/// Collects named sections and writes them as one Tandem file (layout in <see cref="TandemFormat"/>).
/// Sections are written only by <see cref="Save"/>, through <see cref="AtomicFile"/>: a crash or an
/// exception while saving leaves the previous file untouched and no partial file behind.
/// Sections hold references to what they write (tensors, encoders) until <see cref="Save"/>.
/// Thread safety: none; use from one thread.
/// </summary>
public sealed class TandemFileWriter
{
    readonly TandemFileKind kind;
    readonly List<(string Name, SectionKind Kind, Action<Stream> Write)> sections = [];
    readonly HashSet<string> names = [];

    /// <summary>A writer for a file of <paramref name="kind"/>.</summary>
    public TandemFileWriter(TandemFileKind kind) => this.kind = kind;

    /// <summary>
    /// The JSON settings of <see cref="AddJson{T}"/> and <see cref="TandemFileReader.ReadJson{T}"/>: NaN and
    /// infinities allowed, indented, non-ASCII text kept as it is (these files are never embedded in HTML).
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    /// <summary>Adds a section whose bytes <paramref name="write"/> streams when the file is saved.</summary>
    /// <exception cref="ArgumentException">The name is empty, longer than 1024 UTF-8 bytes, or already used.</exception>
    public void Add(string name, SectionKind kind, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(write);
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes == 0 || bytes > TandemFormat.MaxNameBytes)
            FileThrow.Argument($"Section name '{name}' is {bytes} UTF-8 bytes; it must be 1 to {TandemFormat.MaxNameBytes}.", nameof(name));
        if (!names.Add(name)) FileThrow.Argument($"Section '{name}' was added twice; section names must be unique.", nameof(name));
        sections.Add((name, kind, write));
    }

    /// <summary>Adds opaque bytes (copied now).</summary>
    public void AddBytes(string name, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Add(name, SectionKind.Bytes, s => s.Write(copy));
    }

    /// <summary>Adds <paramref name="value"/> as UTF-8 JSON (serialised now, with <see cref="JsonOptions"/>).</summary>
    public void AddJson<T>(string name, T value)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions);
        Add(name, SectionKind.Json, s => s.Write(json));
    }

    /// <summary>Adds a tensor; its values are read when the file is saved and round-trip bit for bit.</summary>
    /// <exception cref="ArgumentException">The tensor has rank above 8.</exception>
    public void AddTensor(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank > TensorCodec.MaxRank) FileThrow.Argument($"Tensor '{name}' has rank {tensor.Rank}; files hold rank {TensorCodec.MaxRank} at most.", nameof(tensor));
        Add(name, SectionKind.Tensor, s => TensorCodec.Write(s, tensor));
    }

    /// <summary>
    /// Writes every section to <paramref name="path"/> atomically (<see cref="AtomicFile.Write"/>).
    /// If anything throws, the exception propagates and <paramref name="path"/> is as it was.
    /// </summary>
    /// <exception cref="TandemFileException">The file cannot be written (read-only directory, full disk, …); the inner exception says why.</exception>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    void WriteTo(Stream file)
    {
        var fileCrc = new Crc64();
        Span<byte> header = stackalloc byte[TandemFormat.HeaderSize];
        file.Write(header); // patched at the end, once the length is known
        var hashing = new HashingStream(file, fileCrc);
        var entries = new (long Offset, long Length, ulong Crc)[sections.Count];
        long offset = TandemFormat.HeaderSize;
        Span<byte> padding = stackalloc byte[TandemFormat.Alignment];
        padding.Clear();
        for (int i = 0; i < sections.Count; i++)
        {
            long start = TandemFormat.SectionStart(offset, TandemFormat.Version);
            hashing.Write(padding[..(int)(start - offset)]);
            offset = start;
            hashing.StartSection();
            sections[i].Write(hashing);
            entries[i] = (offset, hashing.SectionLength, hashing.SectionCrc);
            offset += hashing.SectionLength;
        }

        var table = new MemoryStream();
        Span<byte> scratch = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)sections.Count);
        table.Write(scratch[..4]);
        for (int i = 0; i < sections.Count; i++)
        {
            byte[] name = Encoding.UTF8.GetBytes(sections[i].Name);
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)name.Length);
            table.Write(scratch[..2]);
            table.Write(name);
            table.WriteByte((byte)sections[i].Kind);
            foreach (ulong value in (ReadOnlySpan<ulong>)[(ulong)entries[i].Offset, (ulong)entries[i].Length, entries[i].Crc])
            {
                BinaryPrimitives.WriteUInt64LittleEndian(scratch, value);
                table.Write(scratch);
            }
        }
        var tableBytes = table.GetBuffer().AsSpan(0, (int)table.Length);
        Span<byte> footer = stackalloc byte[TandemFormat.FooterSize];
        BinaryPrimitives.WriteUInt64LittleEndian(footer, (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[8..], Crc64.HashToUInt64(tableBytes));
        hashing.Write(tableBytes);
        hashing.Write(footer[..16]);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[16..], fileCrc.GetCurrentHashAsUInt64());
        file.Write(footer[16..]);

        BinaryPrimitives.WriteUInt32LittleEndian(header, TandemFormat.Magic(kind));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], TandemFormat.Version);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)file.Position);
        file.Position = 0;
        file.Write(header);
    }
}
