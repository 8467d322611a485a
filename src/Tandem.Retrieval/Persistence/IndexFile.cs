using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Text;

namespace Tandem.Retrieval.Persistence;

/// <summary>
/// The index file: <c>"TANDEMIX"</c>, format version (u32), flags (u32), the index body, then a
/// trailer of body length (u64), XxHash64 of everything before the trailer (u64) and <c>"IXEND\0\0\0"</c>.
/// Written to a temporary file and renamed, so a crash never leaves a half-written index.
/// </summary>
public static unsafe class IndexFile
{
    /// <summary>The current format version; files from newer versions are refused.</summary>
    public const int Version = 1;

    static ReadOnlySpan<byte> Magic => "TANDEMIX"u8;
    static ReadOnlySpan<byte> EndMagic => "IXEND\0\0\0"u8;
    const int HeaderBytes = 16, TrailerBytes = 24;

    /// <summary>Writes <paramref name="index"/> to <paramref name="path"/> atomically. Not safe concurrently with writes to the index.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(VectorIndex index, string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var writer = new IndexWriter(stream);
                writer.Bytes(Magic);
                writer.Int(Version);
                writer.Int(0);
                WriteIndex(writer, index);
                Span<byte> trailer = stackalloc byte[TrailerBytes];
                BinaryPrimitives.WriteInt64LittleEndian(trailer, writer.Position);
                BinaryPrimitives.WriteUInt64LittleEndian(trailer[8..], writer.Checksum);
                EndMagic.CopyTo(trailer[16..]);
                stream.Write(trailer);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Loads an index, validating magic, version, checksum and every length. With
    /// <paramref name="memoryMap"/> the vectors stay in the mapped file (copy-on-write) instead of being read into memory.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not an index, is truncated, corrupted or from a newer version; the message says which.</exception>
    public static VectorIndex Load(string path, bool memoryMap = false)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such index file.", path);
        long length = new FileInfo(path).Length;
        if (length < HeaderBytes + TrailerBytes)
            RetrievalThrow.BadFile(path, $"only {length} bytes, too short to be an index file (it is truncated or not an index).");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.CopyOnWrite);
        var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.CopyOnWrite);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        start += view.PointerOffset;
        bool keep = false;
        try
        {
            Validate(path, start, length);
            var reader = new IndexReader(start, HeaderBytes, length - TrailerBytes, path, memoryMap);
            var index = ReadIndex(reader);
            reader.ExpectEnd();
            if (memoryMap)
            {
                index.KeepAlive(new Mapping(map, view));
                keep = true;
            }
            return index;
        }
        finally
        {
            if (!keep)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
                map.Dispose();
            }
        }
    }

    static void Validate(string path, byte* start, long length)
    {
        var head = new ReadOnlySpan<byte>(start, HeaderBytes);
        if (!head[..8].SequenceEqual(Magic))
            RetrievalThrow.BadFile(path, $"not a Tandem index file (starts with \"{Printable(head[..8])}\", expected \"TANDEMIX\").");
        int version = BinaryPrimitives.ReadInt32LittleEndian(head[8..]);
        if (version < 1 || version > Version)
            RetrievalThrow.BadFile(path, $"index format version {version} is not supported (this library reads version 1..{Version}); rebuild the index or upgrade Tandem.");
        var trailer = new ReadOnlySpan<byte>(start + length - TrailerBytes, TrailerBytes);
        if (!trailer[16..].SequenceEqual(EndMagic))
            RetrievalThrow.BadFile(path, "the end marker is missing: the file is truncated or was not fully written.");
        long bodyEnd = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        if (bodyEnd != length - TrailerBytes)
            RetrievalThrow.BadFile(path, $"the trailer says the body ends at byte {bodyEnd} but the file has {length - TrailerBytes}; it is truncated or corrupted.");
        var hash = new XxHash64();
        for (long at = 0; at < bodyEnd; at += 1 << 30)
            hash.Append(new ReadOnlySpan<byte>(start + at, (int)Math.Min(1 << 30, bodyEnd - at)));
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(trailer[8..]), actual = hash.GetCurrentHashAsUInt64();
        if (expected != actual)
            RetrievalThrow.BadFile(path, $"checksum mismatch (stored {expected:x16}, computed {actual:x16}): the file is corrupted.");
    }

    static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes) text.Append(b is >= 32 and < 127 ? (char)b : '?');
        return text.ToString();
    }

    /// <summary>Writes a nested index: its kind tag, dimension and metric, then its own body.</summary>
    internal static void WriteIndex(IndexWriter writer, VectorIndex index)
    {
        writer.String(index.Kind);
        writer.Int(index.Dimension);
        writer.Int((int)index.Metric);
        index.WriteBody(writer);
    }

    /// <summary>Reads what <see cref="WriteIndex"/> wrote.</summary>
    internal static VectorIndex ReadIndex(IndexReader reader)
    {
        string kind = reader.String("kind");
        int dimension = reader.Int("dimension", 1, 1 << 16);
        var metric = (Metric)reader.Int("metric", 0, (int)Metric.L2);
        return kind switch
        {
            FlatIndex.KindTag => FlatIndex.ReadBody(reader, dimension, metric),
            HnswIndex.KindTag => HnswIndex.ReadBody(reader, dimension, metric),
            IvfIndex.KindTag => IvfIndex.ReadBody(reader, dimension, metric),
            RefineIndex.KindTag => RefineIndex.ReadBody(reader, dimension, metric),
            _ => RetrievalThrow.BadFile<VectorIndex>(reader.Path, $"unknown index kind '{kind}'."),
        };
    }

    sealed class Mapping(MemoryMappedFile map, MemoryMappedViewAccessor view) : IDisposable
    {
        public void Dispose()
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            map.Dispose();
        }
    }
}
