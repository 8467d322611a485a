using System.Runtime.InteropServices;
using System.Text;
using Tandem.IO;
using Tandem.Retrieval.Storage;

namespace Tandem.Retrieval.Persistence;

/// <summary>
/// Plans an index's sections in a <see cref="TandemFileWriter"/>: small fields go, in order, into
/// the <c>{prefix}header</c> section; each large array becomes a section of its own, whose bytes are
/// read from the index when the file is saved.
/// </summary>
internal sealed class IndexWriter
{
    readonly TandemFileWriter file;
    readonly string prefix;
    readonly MemoryStream header = new();

    public IndexWriter(TandemFileWriter file, string prefix)
    {
        this.file = file;
        this.prefix = prefix;
        file.Add(prefix + "header", SectionKind.Bytes, s => s.Write(header.GetBuffer(), 0, (int)header.Length));
    }

    /// <summary>Small values, appended to the header.</summary>
    public void Values<T>(ReadOnlySpan<T> values) where T : unmanaged => header.Write(MemoryMarshal.AsBytes(values));

    public void Int(int value) => Values<int>([value]);

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Int(bytes.Length);
        header.Write(bytes);
    }

    /// <summary>A section <paramref name="field"/> holding what <paramref name="write"/> streams at save time.</summary>
    public void Section(string field, Action<Stream> write) => file.Add(prefix + field, SectionKind.Bytes, write);

    /// <summary>A section <paramref name="field"/> holding the values <paramref name="values"/> returns at save time.</summary>
    public void Array<T>(string field, Func<ReadOnlySpan<T>> values) where T : unmanaged =>
        Section(field, s => s.Write(MemoryMarshal.AsBytes(values())));

    /// <summary>A section <paramref name="field"/> holding the rows of <paramref name="array"/>.</summary>
    public unsafe void Rows<T>(ChunkedArray<T> array, string field) where T : unmanaged => Section(field, s =>
    {
        int rowsPerWrite = Math.Max(1, (1 << 24) / (array.Width * sizeof(T))); // spans of at most 16 MB, far below int bytes
        for (int row = 0; row < array.Count;)
        {
            int run = array.ContiguousFrom(row, rowsPerWrite);
            s.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(array.Row(row), run * array.Width)));
            row += run;
        }
    });

    /// <summary>A writer for an index nested in this one, its sections under <c>{prefix}{name}/</c>.</summary>
    public IndexWriter Nested(string name) => new(file, $"{prefix}{name}/");
}
