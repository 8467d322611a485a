using Tandem.IO;


namespace Tandem.Retrieval.Persistence;

/// <summary>
/// An index as a Tandem file (<see cref="TandemFileKind.Index"/>, layout in <c>Tandem.IO</c>): a
/// <c>header</c> section with the index kind, dimension, metric and small fields, and one section per
/// large array (<c>vectors</c>, <c>ids</c>, …). A wrapped index (Refine) nests its inner index under
/// <c>inner/</c>. Magic, version, lengths, checksums and the atomic save come from the container.
/// </summary>
public static class IndexFile
{
    /// <summary>Writes <paramref name="index"/> to <paramref name="path"/> atomically. Not safe concurrently with writes to the index.</summary>
    /// <exception cref="TandemFileException">The file cannot be written; any previous file at <paramref name="path"/> is left as it was.</exception>
    public static void Save(VectorIndex index, string path)
    {
        ArgumentNullException.ThrowIfNull(index);
        var file = new TandemFileWriter(TandemFileKind.Index);
        WriteIndex(new IndexWriter(file, ""), index);
        file.Save(path);
    }

    /// <summary>
    /// Loads an index, validating the container (magic, version, lengths, checksums) and every field.
    /// With <paramref name="memoryMap"/> the vectors stay in the mapped file (copy-on-write) instead of being copied into memory.
    /// </summary>
    /// <exception cref="TandemFileException">The file is missing, not an index, truncated, corrupt, from a newer Tandem or from an older one (TANDEMIX); the message says which.</exception>
    public static VectorIndex Load(string path, bool memoryMap = false)
    {
        var file = TandemFileReader.Map(path, TandemFileKind.Index);
        bool keep = false;
        try
        {
            var index = ReadIndex(new IndexReader(file, "", memoryMap));
            if (memoryMap)
            {
                index.KeepAlive(file);
                keep = true;
            }
            return index;
        }
        finally
        {
            if (!keep) file.Dispose();
        }
    }

    /// <summary>Writes an index: its kind tag, dimension and metric, then its own body.</summary>
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
        if (kind == MultiVector.MultiVectorIndex.KindTag) FileThrow.File(reader.Path, "it is a multi-vector index; load it with MultiVectorIndex.Load");
        int dimension = reader.Int("dimension", 1, 1 << 16);
        var metric = (Metric)reader.Int("metric", 0, (int)Metric.L2);
        var index = kind switch
        {
            FlatIndex.KindTag => FlatIndex.ReadBody(reader, dimension, metric),
            HnswIndex.KindTag => HnswIndex.ReadBody(reader, dimension, metric),
            IvfIndex.KindTag => IvfIndex.ReadBody(reader, dimension, metric),
            RefineIndex.KindTag => RefineIndex.ReadBody(reader, dimension, metric),
            _ => FileThrow.Corrupt<VectorIndex>(reader.Path, $"unknown index kind '{kind}'"),
        };
        reader.ExpectEnd();
        return index;
    }
}
