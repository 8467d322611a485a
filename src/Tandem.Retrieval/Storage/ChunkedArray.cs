using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tandem.Retrieval.Storage;

/// <summary>
/// Rows of <see cref="Width"/> unmanaged values in fixed-size native chunks, so growing never
/// moves a row: a reader holding a row pointer stays valid while writers append (HNSW's
/// concurrent adds rely on this). Chunks may also point into a memory-mapped file.
/// Thread safety: <see cref="Reserve"/> is safe with itself and with <see cref="Row"/>;
/// <see cref="Truncate"/> and loading need exclusive access.
/// </summary>
internal sealed unsafe class ChunkedArray<T> : IDisposable where T : unmanaged
{
    public const int Shift = 14, RowsPerChunk = 1 << Shift, Mask = RowsPerChunk - 1;

    readonly object growLock = new();
    readonly List<nint> owned = [];
    nint[] chunks = [];
    int count;

    public ChunkedArray(int width)
    {
        Debug.Assert(width > 0);
        Width = width;
    }

    /// <summary>Values per row.</summary>
    public int Width { get; }

    /// <summary>Rows reserved so far.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>Pointer to row <paramref name="row"/>; the row must have been reserved.</summary>
    public T* Row(int row)
    {
        Debug.Assert((uint)row < (uint)count);
        return (T*)Volatile.Read(ref chunks)[row >> Shift] + (long)(row & Mask) * Width;
    }

    /// <summary>Row <paramref name="row"/> as a span.</summary>
    public Span<T> RowSpan(int row) => new(Row(row), Width);

    /// <summary>How many rows from <paramref name="row"/> on sit contiguously in one chunk (at most <paramref name="limit"/>).</summary>
    public int ContiguousFrom(int row, int limit) => Math.Min(limit, Math.Min(RowsPerChunk - (row & Mask), Count - row));

    /// <summary>Reserves <paramref name="rows"/> zeroed rows and returns the first one's index. Safe from several threads.</summary>
    public int Reserve(int rows)
    {
        lock (growLock)
        {
            int first = count;
            long needed = ((long)first + rows + RowsPerChunk - 1) >> Shift;
            if (first + (long)rows > int.MaxValue) RetrievalThrow.Input("An index holds at most 2^31-1 items.");
            if (needed > chunks.Length)
            {
                var grown = new nint[Math.Max(needed, chunks.Length * 2)];
                chunks.CopyTo(grown, 0);
                for (long c = chunks.Length; c < needed; c++) grown[c] = Allocate();
                for (long c = needed; c < grown.Length; c++) grown[c] = 0;
                Volatile.Write(ref chunks, grown);
            }
            else
                for (long c = 0; c < needed; c++)
                    if (chunks[c] == 0) chunks[c] = Allocate();
            Volatile.Write(ref count, first + rows);
            return first;
        }
    }

    nint Allocate()
    {
        nuint bytes = (nuint)RowsPerChunk * (nuint)Width * (nuint)sizeof(T);
        void* p = NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(p, bytes);
        owned.Add((nint)p);
        return (nint)p;
    }

    /// <summary>Drops rows from <paramref name="rows"/> on (their memory is kept for reuse). Not thread-safe.</summary>
    public void Truncate(int rows)
    {
        Debug.Assert(rows >= 0 && rows <= count);
        for (int r = rows; r < count; r++) new Span<T>(Row(r), Width).Clear();
        count = rows;
    }

    /// <summary>Copies every row, in order, into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<T> destination)
    {
        for (int row = 0; row < Count;)
        {
            int run = ContiguousFrom(row, int.MaxValue);
            new ReadOnlySpan<T>(Row(row), run * Width).CopyTo(destination.Slice(row * Width));
            row += run;
        }
    }

    /// <summary>Appends rows copied from <paramref name="values"/> (a whole number of rows).</summary>
    public void Append(ReadOnlySpan<T> values)
    {
        Debug.Assert(values.Length % Width == 0);
        int rows = values.Length / Width, first = Reserve(rows);
        for (int done = 0; done < rows;)
        {
            int run = ContiguousFrom(first + done, rows - done);
            values.Slice(done * Width, run * Width).CopyTo(new Span<T>(Row(first + done), run * Width));
            done += run;
        }
    }

    /// <summary>
    /// Makes this array's rows the <paramref name="rows"/> rows at <paramref name="data"/> without copying
    /// (whole chunks point into the mapping; the last partial chunk is copied so appends stay in owned memory).
    /// The caller keeps the mapping alive for this array's lifetime. Only on an empty array.
    /// </summary>
    public void AttachMapped(T* data, int rows)
    {
        Debug.Assert(count == 0);
        int full = rows >> Shift, total = (rows + Mask) >> Shift;
        var table = new nint[Math.Max(total, 1)];
        for (int c = 0; c < full; c++) table[c] = (nint)(data + (long)c * RowsPerChunk * Width);
        chunks = table;
        if (full < total)
        {
            table[full] = Allocate();
            long tail = (long)(rows - full * RowsPerChunk) * Width;
            new ReadOnlySpan<T>(data + (long)full * RowsPerChunk * Width, checked((int)tail)).CopyTo(new Span<T>((T*)table[full], (int)tail));
        }
        count = rows;
    }

    public void Dispose()
    {
        lock (growLock)
        {
            foreach (nint p in owned) NativeMemory.AlignedFree((void*)p);
            owned.Clear();
            chunks = [];
            count = 0;
        }
    }
}
