using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Tandem.Retrieval;

namespace Tandem.Cluster.Shards;

/// <summary>
/// The write-ahead log of one shard replica's online changes, beside the shard files
/// (<c>shard-001.r0.wal</c>): a header (magic <c>TNDW</c>, format version, dimension) then records
/// (op, id, the vector for an add, XxHash64 of the record), each flushed to disk before the change is
/// acknowledged. Replayed onto the shard file's index when the replica loads, so an added or removed item
/// survives a silo restart. A record cut short by a crash fails its checksum and is dropped with
/// everything after it. One writer per file (the replica's grain); not thread-safe.
/// </summary>
public sealed class ShardLog : IDisposable
{
    static ReadOnlySpan<byte> Magic => "TNDW"u8;
    const int FormatVersion = 1;
    const byte AddOp = 1, RemoveOp = 2;
    readonly FileStream stream;
    readonly int dimension;

    ShardLog(FileStream stream, int dimension)
    {
        this.stream = stream;
        this.dimension = dimension;
    }

    /// <summary>The log file of replica <paramref name="replica"/> of shard <paramref name="shard"/>.</summary>
    public static string FileName(int shard, int replica) => $"shard-{shard:D3}.r{replica}.wal";

    /// <summary>Opens (or creates) the log at <paramref name="path"/>, replays its records onto <paramref name="index"/> and returns it positioned for appends, with the count replayed.</summary>
    /// <exception cref="TandemException">The file is not a shard log or is for another dimension.</exception>
    public static (ShardLog Log, int Replayed) Open(string path, IVectorIndex index)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            int d = index.Dimension;
            Span<byte> header = stackalloc byte[12];
            if (stream.Length == 0)
            {
                Magic.CopyTo(header);
                BinaryPrimitives.WriteInt32LittleEndian(header[4..], FormatVersion);
                BinaryPrimitives.WriteInt32LittleEndian(header[8..], d);
                stream.Write(header);
                stream.Flush(flushToDisk: true);
                return (new ShardLog(stream, d), 0);
            }
            if (stream.Length < 12 || stream.ReadAtLeast(header, 12, throwOnEndOfStream: false) < 12 || !header[..4].SequenceEqual(Magic))
                throw new TandemException($"{path}: not a shard log (no TNDW magic); move it away to start the shard from its file alone");
            int version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]), width = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            if (version != FormatVersion) throw new TandemException($"{path}: shard log format {version}; this Tandem reads {FormatVersion}");
            if (width != d) throw new TandemException($"{path}: a log of {width}-d items for a shard of {d}-d items; it belongs to another version");
            int replayed = Replay(stream, index, d);
            stream.SetLength(stream.Position); // drop a record a crash cut short
            return (new ShardLog(stream, d), replayed);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    static int Replay(FileStream stream, IVectorIndex index, int d)
    {
        var record = new byte[RecordLength(AddOp, d)];
        int count = 0;
        while (true)
        {
            long start = stream.Position;
            if (stream.ReadAtLeast(record.AsSpan(0, 1), 1, throwOnEndOfStream: false) < 1) break;
            byte op = record[0];
            if (op is not (AddOp or RemoveOp)) { stream.Position = start; break; }
            int length = RecordLength(op, d);
            if (stream.ReadAtLeast(record.AsSpan(1, length - 1), length - 1, throwOnEndOfStream: false) < length - 1) { stream.Position = start; break; }
            var body = record.AsSpan(0, length - 8);
            if (XxHash64.HashToUInt64(body) != BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(length - 8))) { stream.Position = start; break; }
            long id = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
            Apply(index, op, id, MemoryMarshal.Cast<byte, float>(body[9..]));
            count++;
        }
        return count;
    }

    static int RecordLength(byte op, int d) => 1 + 8 + (op == AddOp ? 4 * d : 0) + 8;

    /// <summary>Applies one change: an add replaces any item with the same id.</summary>
    static void Apply(IVectorIndex index, byte op, long id, ReadOnlySpan<float> vector)
    {
        index.Remove([id]);
        if (op == AddOp) index.Add(vector, [id]);
    }

    /// <summary>Logs (durably) and then applies adds of <paramref name="vectors"/> with <paramref name="ids"/> (an existing id is replaced).</summary>
    public void Add(IVectorIndex index, ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        for (int i = 0; i < ids.Length; i++) Append(AddOp, ids[i], vectors.Slice(i * dimension, dimension));
        stream.Flush(flushToDisk: true);
        for (int i = 0; i < ids.Length; i++) Apply(index, AddOp, ids[i], vectors.Slice(i * dimension, dimension));
    }

    /// <summary>Logs (durably) and then applies removals; returns how many ids were present.</summary>
    public long Remove(IVectorIndex index, ReadOnlySpan<long> ids)
    {
        foreach (long id in ids) Append(RemoveOp, id, []);
        stream.Flush(flushToDisk: true);
        return index.Remove(ids);
    }

    void Append(byte op, long id, ReadOnlySpan<float> vector)
    {
        var record = new byte[RecordLength(op, dimension)];
        record[0] = op;
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(1), id);
        MemoryMarshal.AsBytes(vector).CopyTo(record.AsSpan(9));
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(record.Length - 8), XxHash64.HashToUInt64(record.AsSpan(0, record.Length - 8)));
        stream.Write(record);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => stream.Dispose();
}
