using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json;
using Tandem.Tensors;

namespace Tandem.IO;

/// <summary>
/// Opens a Tandem file written by <see cref="TandemFileWriter"/> and reads its sections by name.
/// <see cref="Open"/> and <see cref="Map"/> validate everything before returning: magic number and kind, format
/// version, the length in the header against the file's, every offset and length in the table,
/// and the checksum of every section and of the whole file. Any problem is a
/// <see cref="TandemFileException"/> whose one-line message names the file and what is wrong.
/// The file stays open (others may read it, not write it) until <see cref="Dispose"/>.
/// Thread safety: none; use from one thread.
/// </summary>
public sealed unsafe class TandemFileReader : IDisposable
{
    readonly Stream file;
    readonly Dictionary<string, SectionInfo> byName;
    readonly Mapping? mapping;

    TandemFileReader(string path, Stream file, Mapping? mapping, uint version, SectionInfo[] sections)
    {
        Path = path;
        this.file = file;
        this.mapping = mapping;
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
    /// <exception cref="TandemFileException">The file is missing, a device, pipe or socket, of another kind, newer, truncated or corrupt.</exception>
    public static TandemFileReader Open(string path, TandemFileKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SpecialFile.Reject(path); // opening a FIFO would wait for a writer forever
        FileStream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16); }
        catch (Exception e) { OpenFailed(path, e); throw; }
        try
        {
            var (version, sections) = Validate(path, file, null, kind);
            return new TandemFileReader(path, file, null, version, sections);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Maps the file at <paramref name="path"/> into memory (copy-on-write: writes through <see cref="Pointer"/>
    /// never reach the file) and validates it like <see cref="Open"/>. The mapping lives until <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="TandemFileException">The file is missing, of another kind, newer, truncated or corrupt.</exception>
    public static TandemFileReader Map(string path, TandemFileKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Mapping mapping;
        try
        {
            if (new FileInfo(path).Length == 0 || SpecialFile.Is(path)) return Open(path, kind); // cannot be mapped; Open names the problem
            mapping = new Mapping(path);
        }
        catch (Exception e) { OpenFailed(path, e); throw; }
        try
        {
            var stream = new UnmanagedMemoryStream(mapping.Start, mapping.Length);
            var (version, sections) = Validate(path, stream, mapping.Start, kind);
            return new TandemFileReader(path, stream, mapping, version, sections);
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    static void OpenFailed(string path, Exception e)
    {
        switch (e)
        {
            case FileNotFoundException or DirectoryNotFoundException: FileThrow.NotFound(path, e); break;
            case UnauthorizedAccessException: FileThrow.File(path, "cannot be opened: permission denied, or it is a directory", e); break;
            case IOException: FileThrow.File(path, $"cannot be opened: {e.Message}", e); break;
        }
    }

    static (uint Version, SectionInfo[] Sections) Validate(string path, Stream file, byte* mapped, TandemFileKind expected)
    {
        long length = file.Length;
        Span<byte> header = stackalloc byte[TandemFormat.HeaderSize];
        int got = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < 4) FileThrow.Truncated(path, $"{length} bytes, too short for a Tandem header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (!TandemFormat.TryKind(magic, out var kind)) FileThrow.NotTandem(path, header[..got]);
        if (kind != expected) FileThrow.WrongKind(path, kind, expected);
        if (got < TandemFormat.HeaderSize) FileThrow.Truncated(path, $"{length} bytes, too short for a Tandem header");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (version > TandemFormat.Version) FileThrow.NewerVersion(path, version, TandemFormat.Version);
        if (version == 0) FileThrow.Corrupt(path, "format version 0 does not exist");
        ulong claimed = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (claimed > (ulong)length) FileThrow.Truncated(path, $"{length} of {claimed} bytes");
        if (claimed < (ulong)length) FileThrow.Corrupt(path, $"the header says {claimed} bytes but the file has {length}");
        const long smallest = TandemFormat.HeaderSize + TandemFormat.MinTableSize + TandemFormat.FooterSize;
        if (length < smallest) FileThrow.Corrupt(path, $"{length} bytes is too short for a Tandem file ({smallest} at least)");

        Span<byte> footer = stackalloc byte[TandemFormat.FooterSize];
        file.Position = length - TandemFormat.FooterSize;
        file.ReadExactly(footer);
        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(footer);
        ulong tableEnd = (ulong)(length - TandemFormat.FooterSize);
        if (tableOffset < TandemFormat.HeaderSize || tableOffset > tableEnd - TandemFormat.MinTableSize)
            FileThrow.Corrupt(path, $"the section table offset {tableOffset} lies outside the file's {length} bytes");
        long tableLength = (long)(tableEnd - tableOffset);
        if (tableLength > TandemFormat.MaxTableSize) FileThrow.Corrupt(path, $"the section table claims {tableLength} bytes");
        var table = new byte[tableLength];
        file.Position = (long)tableOffset;
        file.ReadExactly(table);
        if (Crc64.HashToUInt64(table) != BinaryPrimitives.ReadUInt64LittleEndian(footer[8..]))
            FileThrow.Corrupt(path, "checksum mismatch in the section table");
        var (sections, crcs) = ParseTable(path, table, (long)tableOffset, version);

        var fileCrc = new Crc64();
        var sectionCrc = new Crc64();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long at = TandemFormat.HeaderSize;
            for (int i = 0; i < sections.Length; i++)
            {
                Hash(file, mapped, buffer, at, sections[i].Offset - at, fileCrc, null); // padding
                sectionCrc.Reset();
                Hash(file, mapped, buffer, sections[i].Offset, sections[i].Length, fileCrc, sectionCrc);
                if (sectionCrc.GetCurrentHashAsUInt64() != crcs[i])
                    FileThrow.SectionChecksum(path, sections[i].Name);
                at = sections[i].Offset + sections[i].Length;
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        fileCrc.Append(table);
        fileCrc.Append(footer[..16]);
        if (fileCrc.GetCurrentHashAsUInt64() != BinaryPrimitives.ReadUInt64LittleEndian(footer[16..]))
            FileThrow.Corrupt(path, "checksum mismatch in the file's footer");
        return (version, sections);
    }

    /// <summary>Feeds <paramref name="length"/> bytes from <paramref name="offset"/> to the checksums, straight from the mapping when there is one.</summary>
    static void Hash(Stream file, byte* mapped, byte[] buffer, long offset, long length, Crc64 fileCrc, Crc64? sectionCrc)
    {
        if (length > 0 && mapped == null) file.Position = offset;
        for (long left = length; left > 0;)
        {
            int n = (int)Math.Min(left, buffer.Length);
            ReadOnlySpan<byte> chunk;
            if (mapped != null) chunk = new ReadOnlySpan<byte>(mapped + offset + (length - left), n);
            else
            {
                file.ReadExactly(buffer, 0, n);
                chunk = buffer.AsSpan(0, n);
            }
            sectionCrc?.Append(chunk);
            fileCrc.Append(chunk);
            left -= n;
        }
    }

    static (SectionInfo[] Sections, ulong[] Crcs) ParseTable(string path, ReadOnlySpan<byte> table, long tableOffset, uint version)
    {
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(table);
        if (count > (table.Length - 4) / (TandemFormat.EntryFixedSize + 1))
            FileThrow.Corrupt(path, $"the section table claims {count} sections in {table.Length} bytes");
        var sections = new SectionInfo[count];
        var crcs = new ulong[count];
        var names = new HashSet<string>();
        int at = 4;
        long expectedOffset = TandemFormat.HeaderSize;
        for (int i = 0; i < count; i++)
        {
            if (table.Length - at < 2) FileThrow.Corrupt(path, $"the section table ends inside entry {i}");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(table[at..]);
            at += 2;
            if (nameLength == 0 || nameLength > TandemFormat.MaxNameBytes || table.Length - at < nameLength + TandemFormat.EntryFixedSize - 2)
                FileThrow.Corrupt(path, $"section table entry {i} claims a {nameLength}-byte name");
            string name = Encoding.UTF8.GetString(table.Slice(at, nameLength));
            at += nameLength;
            var kind = (SectionKind)table[at++];
            if (!Enum.IsDefined(kind)) FileThrow.Corrupt(path, $"section '{name}' has unknown kind {(byte)kind}");
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(table[at..]);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(table[(at + 8)..]);
            crcs[i] = BinaryPrimitives.ReadUInt64LittleEndian(table[(at + 16)..]);
            at += 24;
            expectedOffset = TandemFormat.SectionStart(expectedOffset, version);
            if (offset != (ulong)expectedOffset || expectedOffset > tableOffset || length > (ulong)(tableOffset - expectedOffset))
                FileThrow.Corrupt(path, $"section '{name}' claims bytes {offset} to {offset + length}, but the next section starts at {expectedOffset} and the table at {tableOffset}");
            if (!names.Add(name)) FileThrow.Corrupt(path, $"section '{name}' appears twice");
            sections[i] = new SectionInfo(name, kind, (long)offset, (long)length);
            expectedOffset += (long)length;
        }
        if (at != table.Length || expectedOffset != tableOffset)
            FileThrow.Corrupt(path, $"the section table does not account for every byte (sections end at {expectedOffset}, table at {tableOffset})");
        return (sections, crcs);
    }

    /// <summary>Whether the file has a section named <paramref name="name"/>.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>The table entry of section <paramref name="name"/>, checking its kind.</summary>
    /// <exception cref="TandemFileException">The section is missing or of another kind.</exception>
    public SectionInfo Section(string name, SectionKind kind)
    {
        if (!byName.TryGetValue(name, out var info)) FileThrow.MissingSection(Path, name, $"a {kind} section was expected");
        if (info.Kind != kind) FileThrow.SectionKind(Path, name, info.Kind, kind);
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
        if (info.Length > Array.MaxLength) FileThrow.File(Path, $"section '{name}' has {info.Length} bytes, too many for one array");
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
            FileThrow.File(Path, $"section '{name}' is not a valid {typeof(T).Name}: {e.Message}", e);
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
            FileThrow.Mismatch(Path, $"tensor '{name}' has shape {FileThrow.Shape(shape)} in the file but {FileThrow.Shape(destination.Shape)} here");
        TensorCodec.ReadData(section, destination);
    }

    /// <summary>
    /// The address of section <paramref name="name"/>'s first byte in the mapping of a reader opened with
    /// <see cref="Map"/>; valid until <see cref="Dispose"/>. Sections of format version 2 start 64-byte aligned.
    /// </summary>
    /// <exception cref="TandemFileException">The section is missing or of another kind.</exception>
    /// <exception cref="InvalidOperationException">The reader was opened with <see cref="Open"/>, not <see cref="Map"/>.</exception>
    public byte* Pointer(string name, SectionKind kind)
    {
        var info = Section(name, kind);
        if (mapping is null) throw new InvalidOperationException("Pointer needs a reader opened with TandemFileReader.Map.");
        return mapping.Start + info.Offset;
    }

    /// <summary>Closes the file (and its mapping).</summary>
    public void Dispose()
    {
        file.Dispose();
        mapping?.Dispose();
    }

    /// <summary>A copy-on-write mapping of a whole file, pinned at <see cref="Start"/>.</summary>
    sealed class Mapping : IDisposable
    {
        readonly MemoryMappedFile map;
        readonly MemoryMappedViewAccessor view;

        public Mapping(string path)
        {
            Length = new FileInfo(path).Length;
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.CopyOnWrite);
            try
            {
                view = map.CreateViewAccessor(0, Length, MemoryMappedFileAccess.CopyOnWrite);
                byte* start = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
                Start = start + view.PointerOffset;
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }

        public byte* Start { get; }
        public long Length { get; }

        public void Dispose()
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            map.Dispose();
        }
    }

    /// <summary>A window of <c>length</c> bytes from the file's current position; reads never go past it.</summary>
    sealed class SectionStream(Stream file, long length) : Stream
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
