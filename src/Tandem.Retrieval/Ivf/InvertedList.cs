namespace Tandem.Retrieval.Ivf;

/// <summary>One IVF cell: ids and their fixed-size codes, side by side, growing by doubling.</summary>
internal sealed class InvertedList(int codeSize)
{
    long[] ids = [];
    byte[] codes = [];

    public int Count { get; private set; }

    /// <summary>
    /// A storage's scan layout of <see cref="Codes"/> (fast-scan blocks), built on first scan and dropped
    /// when the list changes. Concurrent searches may both build it; they build the same array.
    /// </summary>
    public byte[]? ScanLayout { get; set; }
    public ReadOnlySpan<long> Ids => ids.AsSpan(0, Count);
    public ReadOnlySpan<byte> Codes => codes.AsSpan(0, Count * codeSize);

    public void Append(long id, ReadOnlySpan<byte> code)
    {
        if (Count == ids.Length)
        {
            int capacity = Math.Max(8, Count * 2);
            Array.Resize(ref ids, capacity);
            Array.Resize(ref codes, capacity * codeSize);
        }
        ScanLayout = null;
        ids[Count] = id;
        code.CopyTo(codes.AsSpan(Count * codeSize, codeSize));
        Count++;
    }

    public int RemoveWhere(HashSet<long> remove)
    {
        int removed = 0;
        for (int i = 0; i < Count;)
        {
            if (!remove.Contains(ids[i])) { i++; continue; }
            ScanLayout = null;
            int last = Count - 1;
            ids[i] = ids[last];
            codes.AsSpan(last * codeSize, codeSize).CopyTo(codes.AsSpan(i * codeSize, codeSize));
            Count--;
            removed++;
        }
        return removed;
    }

    public void Load(long[] loadedIds, byte[] loadedCodes)
    {
        ScanLayout = null;
        ids = loadedIds;
        codes = loadedCodes;
        Count = loadedIds.Length;
    }
}
