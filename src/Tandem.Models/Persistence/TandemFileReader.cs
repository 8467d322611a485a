using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Tandem.Data;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Tensors;

namespace Tandem.Models.Persistence;

/// <summary>
/// Opens a Tandem file written by <see cref="TandemFileWriter"/> and reads its sections by name.
/// <see cref="Open"/> validates everything before returning: magic number and kind, format
/// version, the length in the header against the file's, every offset and length in the table,
/// and the checksum of every section and of the whole file. Any problem is a
/// <see cref="TandemFileException"/> whose one-line message names the file and what is wrong.
/// The file stays open (others may read it, not write it) until <see cref="Dispose"/>.
/// Thread safety: none; use from one thread.
/// </summary>
public sealed class TandemFileReader : IDisposable
{
    readonly FileStream file;
    readonly Dictionary<string, SectionInfo> byName;

    TandemFileReader(string path, FileStream file, uint version, SectionInfo[] sections)
    {
        Path = path;
        this.file = file;
        FormatVersion = (int)version;
        Sections = sections;
        byName = sections.ToDictionary(s => s.Name);
    }

    /// <summary>The path the file was opened from, as given.</summary>
    public string Path { get; }

    /// <summary>The format version the file was written with.</summary>
    public int FormatVersion { get; }

    /// <summary>The sections in file order.</summary>
    public IReadOnlyList<SectionInfo> Sections { get; }

    /// <summary>Opens and fully validates the file at <paramref name="path"/>, which must be of <paramref name="kind"/>.</summary>
    /// <exception cref="TandemFileException">The file is missing, of another kind, newer, truncated or corrupt.</exception>
    public static TandemFileReader Open(string path, TandemFileKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16); }
        catch (FileNotFoundException e) { PersistenceThrow.NotFound(path, e); throw; }
        catch (DirectoryNotFoundException e) { PersistenceThrow.NotFound(path, e); throw; }
        catch (UnauthorizedAccessException e) { PersistenceThrow.File(path, "cannot be opened: permission denied, or it is a directory", e); throw; }
        try
        {
            var (version, sections) = Validate(path, file, kind);
            return new TandemFileReader(path, file, version, sections);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    static (uint Version, SectionInfo[] Sections) Validate(string path, FileStream file, TandemFileKind expected)
    {
        long length = file.Length;
        Span<byte> header = stackalloc byte[TandemFormat.HeaderSize];
        int got = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < 4) PersistenceThrow.Truncated(path, $"{length} bytes, too short for a Tandem header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (!TandemFormat.TryKind(magic, out var kind)) PersistenceThrow.NotTandem(path, header[..4]);
        if (kind != expected) PersistenceThrow.WrongKind(path, kind, expected);
        if (got < TandemFormat.HeaderSize) PersistenceThrow.Truncated(path, $"{length} bytes, too short for a Tandem header");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (version > TandemFormat.Version) PersistenceThrow.NewerVersion(path, version, TandemFormat.Version);
        if (version == 0) PersistenceThrow.Corrupt(path, "format version 0 does not exist");
        ulong claimed = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (claimed > (ulong)length) PersistenceThrow.Truncated(path, $"{length} of {claimed} bytes");
        if (claimed < (ulong)length) PersistenceThrow.Corrupt(path, $"the header says {claimed} bytes but the file has {length}");
        const long smallest = TandemFormat.HeaderSize + TandemFormat.MinTableSize + TandemFormat.FooterSize;
        if (length < smallest) PersistenceThrow.Corrupt(path, $"{length} bytes is too short for a Tandem file ({smallest} at least)");

        Span<byte> footer = stackalloc byte[TandemFormat.FooterSize];
        file.Position = length - TandemFormat.FooterSize;
        file.ReadExactly(footer);
        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(footer);
        ulong tableEnd = (ulong)(length - TandemFormat.FooterSize);
        if (tableOffset < TandemFormat.HeaderSize || tableOffset > tableEnd - TandemFormat.MinTableSize)
            PersistenceThrow.Corrupt(path, $"the section table offset {tableOffset} lies outside the file's {length} bytes");
        long tableLength = (long)(tableEnd - tableOffset);
        if (tableLength > TandemFormat.MaxTableSize) PersistenceThrow.Corrupt(path, $"the section table claims {tableLength} bytes");
        var table = new byte[tableLength];
        file.Position = (long)tableOffset;
        file.ReadExactly(table);
        if (Crc64.HashToUInt64(table) != BinaryPrimitives.ReadUInt64LittleEndian(footer[8..]))
            PersistenceThrow.Corrupt(path, "checksum mismatch in the section table");
        var (sections, crcs) = ParseTable(path, table, (long)tableOffset);

        var fileCrc = new Crc64();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            file.Position = TandemFormat.HeaderSize;
            var sectionCrc = new Crc64();
            for (int i = 0; i < sections.Length; i++)
            {
                sectionCrc.Reset();
                for (long left = sections[i].Length; left > 0;)
                {
                    var chunk = buffer.AsSpan(0, (int)Math.Min(left, buffer.Length));
                    file.ReadExactly(chunk);
                    sectionCrc.Append(chunk);
                    fileCrc.Append(chunk);
                    left -= chunk.Length;
                }
                if (sectionCrc.GetCurrentHashAsUInt64() != crcs[i])
                    PersistenceThrow.SectionChecksum(path, sections[i].Name);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        fileCrc.Append(table);
        fileCrc.Append(footer[..16]);
        if (fileCrc.GetCurrentHashAsUInt64() != BinaryPrimitives.ReadUInt64LittleEndian(footer[16..]))
            PersistenceThrow.Corrupt(path, "checksum mismatch in the file's footer");
        return (version, sections);
    }

    static (SectionInfo[] Sections, ulong[] Crcs) ParseTable(string path, ReadOnlySpan<byte> table, long tableOffset)
    {
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(table);
        if (count > (table.Length - 4) / (TandemFormat.EntryFixedSize + 1))
            PersistenceThrow.Corrupt(path, $"the section table claims {count} sections in {table.Length} bytes");
        var sections = new SectionInfo[count];
        var crcs = new ulong[count];
        var names = new HashSet<string>();
        int at = 4;
        long expectedOffset = TandemFormat.HeaderSize;
        for (int i = 0; i < count; i++)
        {
            if (table.Length - at < 2) PersistenceThrow.Corrupt(path, $"the section table ends inside entry {i}");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(table[at..]);
            at += 2;
            if (nameLength == 0 || nameLength > TandemFormat.MaxNameBytes || table.Length - at < nameLength + TandemFormat.EntryFixedSize - 2)
                PersistenceThrow.Corrupt(path, $"section table entry {i} claims a {nameLength}-byte name");
            string name = Encoding.UTF8.GetString(table.Slice(at, nameLength));
            at += nameLength;
            var kind = (SectionKind)table[at++];
            if (!Enum.IsDefined(kind)) PersistenceThrow.Corrupt(path, $"section '{name}' has unknown kind {(byte)kind}");
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(table[at..]);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(table[(at + 8)..]);
            crcs[i] = BinaryPrimitives.ReadUInt64LittleEndian(table[(at + 16)..]);
            at += 24;
            if (offset != (ulong)expectedOffset || length > (ulong)(tableOffset - expectedOffset))
                PersistenceThrow.Corrupt(path, $"section '{name}' claims bytes {offset} to {offset + length}, but the next section starts at {expectedOffset} and the table at {tableOffset}");
            if (!names.Add(name)) PersistenceThrow.Corrupt(path, $"section '{name}' appears twice");
            sections[i] = new SectionInfo(name, kind, (long)offset, (long)length);
            expectedOffset += (long)length;
        }
        if (at != table.Length || expectedOffset != tableOffset)
            PersistenceThrow.Corrupt(path, $"the section table does not account for every byte (sections end at {expectedOffset}, table at {tableOffset})");
        return (sections, crcs);
    }

    /// <summary>Whether the file has a section named <paramref name="name"/>.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>The table entry of section <paramref name="name"/>, checking its kind.</summary>
    /// <exception cref="TandemFileException">The section is missing or of another kind.</exception>
    public SectionInfo Section(string name, SectionKind kind)
    {
        if (!byName.TryGetValue(name, out var info)) PersistenceThrow.MissingSection(Path, name, $"a {kind} section was expected");
        if (info.Kind != kind) PersistenceThrow.SectionKind(Path, name, info.Kind, kind);
        return info;
    }

    /// <summary>A read-only stream over section <paramref name="name"/>'s bytes, valid until the next read or <see cref="Dispose"/>.</summary>
    /// <exception cref="TandemFileException">The section is missing or of another kind.</exception>
    public Stream OpenSection(string name, SectionKind kind)
    {
        var info = Section(name, kind);
        file.Position = info.Offset;
        return new SectionStream(file, info.Length);
    }

    /// <summary>The bytes of section <paramref name="name"/>.</summary>
    /// <exception cref="TandemFileException">The section is missing, of another kind, or too large for an array.</exception>
    public byte[] ReadBytes(string name, SectionKind kind = SectionKind.Bytes)
    {
        var info = Section(name, kind);
        if (info.Length > Array.MaxLength) PersistenceThrow.File(Path, $"section '{name}' has {info.Length} bytes, too many for one array");
        var bytes = new byte[info.Length];
        file.Position = info.Offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Section <paramref name="name"/> deserialised from JSON with <see cref="TandemFileWriter.JsonOptions"/>.</summary>
    /// <exception cref="TandemFileException">The section is missing, not JSON, or not a <typeparamref name="T"/>.</exception>
    public T ReadJson<T>(string name)
    {
        byte[] json = ReadBytes(name, SectionKind.Json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, TandemFileWriter.JsonOptions)
                ?? throw new JsonException("the value is null");
        }
        catch (JsonException e)
        {
            PersistenceThrow.File(Path, $"section '{name}' is not a valid {typeof(T).Name}: {e.Message}", e);
            throw;
        }
    }

    /// <summary>Section <paramref name="name"/> as a new tensor, bit for bit as saved.</summary>
    /// <exception cref="TandemFileException">The section is missing, not a tensor, or its shape does not match its size.</exception>
    public Tensor ReadTensor(string name)
    {
        var section = OpenSection(name, SectionKind.Tensor);
        int[] shape = TensorCodec.ReadShape(section, section.Length, Path, name);
        var tensor = Tensor.Empty(shape);
        TensorCodec.ReadData(section, tensor);
        return tensor;
    }

    /// <summary>The shape of tensor section <paramref name="name"/>, without reading its data.</summary>
    /// <exception cref="TandemFileException">The section is missing, not a tensor, or its shape does not match its size.</exception>
    public int[] ReadTensorShape(string name)
    {
        var section = OpenSection(name, SectionKind.Tensor);
        return TensorCodec.ReadShape(section, section.Length, Path, name);
    }

    /// <summary>Copies tensor section <paramref name="name"/> into <paramref name="destination"/>, which must have its shape.</summary>
    /// <exception cref="TandemFileException">The section is missing, not a tensor, or of another shape.</exception>
    public void ReadTensorInto(string name, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var section = OpenSection(name, SectionKind.Tensor);
        int[] shape = TensorCodec.ReadShape(section, section.Length, Path, name);
        if (!destination.Shape.SequenceEqual(shape))
            PersistenceThrow.Mismatch(Path, $"tensor '{name}' has shape {PersistenceThrow.Shape(shape)} in the file but {PersistenceThrow.Shape(destination.Shape)} here");
        TensorCodec.ReadData(section, destination);
    }

    /// <summary>The fitted encoder for <paramref name="spec"/> saved in section <paramref name="name"/>.</summary>
    /// <exception cref="TandemFileException">The section is missing, or the encoder's state is inconsistent or does not fill the section exactly.</exception>
    public FeatureEncoder ReadEncoder(string name, FeatureSpec spec)
    {
        var section = OpenSection(name, SectionKind.Encoder);
        try
        {
            var encoder = FeatureEncoder.Load(spec, section);
            if (section.Position != section.Length)
                PersistenceThrow.Corrupt(Path, $"encoder section '{name}' has {section.Length - section.Position} bytes left over after the encoder");
            return encoder;
        }
        catch (DataException e)
        {
            PersistenceThrow.File(Path, $"encoder section '{name}': {e.Message}", e);
            throw;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => file.Dispose();

    /// <summary>A window of <c>length</c> bytes from the file's current position; reads never go past it.</summary>
    sealed class SectionStream(FileStream file, long length) : Stream
    {
        readonly long start = file.Position;
        long position;

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - position);
            if (n <= 0) return 0;
            file.Position = start + position;
            n = file.Read(buffer[..n]);
            position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
