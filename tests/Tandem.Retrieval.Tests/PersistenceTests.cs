using Tandem.IO;

namespace Tandem.Retrieval.Tests;

public sealed class PersistenceTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-index-").FullName;
    static readonly (float[] Items, float[] Queries) data = TestData.ClusteredPair(3000, 30, clusters: 30, seed: 71);
    static readonly float[] items = data.Items, queries = data.Queries;
    static readonly long[] ids = TestData.Ids(3000, offset: 9);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    public static TheoryData<string, Metric> Specs => new()
    {
        { "Flat", Metric.InnerProduct }, { "Flat", Metric.L2 }, { "HNSW16", Metric.Cosine }, { "HNSW8,efC40", Metric.L2 },
        { "IVF20,Flat", Metric.L2 }, { "IVF20,PQ8", Metric.InnerProduct }, { "IVF20,PQ4,Refine", Metric.L2 },
        { "IVF20,PQ8x4fs", Metric.InnerProduct }, { "IVF20,PQ16x4fs,Refine8", Metric.L2 },
    };

    VectorIndex Built(string spec, Metric metric)
    {
        var index = IndexFactory.Create(spec, TestData.Dimension, metric);
        index.Train(items);
        index.Add(items, ids);
        index.Remove([9, 10, 11]);
        return index;
    }

    [Theory, MemberData(nameof(Specs))]
    public void SaveLoadSearchIsIdentical(string spec, Metric metric)
    {
        using var index = Built(spec, metric);
        string path = Path.Combine(directory, "items.idx");
        index.Save(path);
        var expected = TestData.Search(index, queries, 10, out var expectedScores, new SearchOptions { NProbe = 5 });
        foreach (bool memoryMap in new[] { false, true })
        {
            using var loaded = VectorIndex.Load(path, memoryMap);
            Assert.Equal(index.Spec, loaded.Spec);
            Assert.Equal(index.Count, loaded.Count);
            Assert.Equal(metric, loaded.Metric);
            var found = TestData.Search(loaded, queries, 10, out var scores, new SearchOptions { NProbe = 5 });
            Assert.Equal(expected, found);
            Assert.Equal(expectedScores, scores);
        }
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Fact]
    public void MappedIndexCanStillBeChanged()
    {
        using var index = Built("Flat", Metric.InnerProduct);
        string path = Path.Combine(directory, "flat.idx");
        index.Save(path);
        long bytes = new FileInfo(path).Length;
        using var loaded = VectorIndex.Load(path, memoryMap: true);
        loaded.Remove([12, 13]);
        loaded.Add(items.AsSpan(0, TestData.Dimension), [99_999]);
        Assert.Equal(index.Count - 1, loaded.Count);
        // Item 0 (id 9) was removed before saving, so its re-added copy is its own nearest neighbour.
        Assert.Equal(99_999, TestData.Search(loaded, items.AsSpan(0, TestData.Dimension).ToArray(), 1, out _)[0]);
        // Copy-on-write: the file on disk is untouched and still loads.
        Assert.Equal(bytes, new FileInfo(path).Length);
        using var again = VectorIndex.Load(path);
        Assert.Equal(index.Count, again.Count);
    }

    [Theory]
    [InlineData("Flat")]
    [InlineData("HNSW16")]
    [InlineData("IVF20,PQ8")]
    public void TruncatedFileIsAClearError(string spec)
    {
        using var index = Built(spec, Metric.InnerProduct);
        string path = Path.Combine(directory, "cut.idx");
        index.Save(path);
        var bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { 10, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            var error = Assert.Throws<TandemFileException>(() => VectorIndex.Load(path));
            Assert.StartsWith(path + ": the file is truncated", error.Message);
        }
    }

    [Fact]
    public void CorruptedByteFailsTheChecksum()
    {
        using var index = Built("HNSW16", Metric.InnerProduct);
        string path = Path.Combine(directory, "bad.idx");
        index.Save(path);
        var bytes = File.ReadAllBytes(path);
        using (var file = TandemFileReader.Open(path, TandemFileKind.Index))
        {
            var links = file.Section("links0", SectionKind.Bytes);
            bytes[links.Offset + links.Length / 3] ^= 0x40;
        }
        File.WriteAllBytes(path, bytes);
        foreach (bool memoryMap in new[] { false, true })
            Assert.Equal($"{path}: checksum mismatch in section 'links0' — the file is corrupt",
                Assert.Throws<TandemFileException>(() => VectorIndex.Load(path, memoryMap)).Message);
    }

    [Fact]
    public void OtherFilesOldIndexesAndNewerVersionsAreNamed()
    {
        string path = Path.Combine(directory, "other.idx");
        File.WriteAllBytes(path, "PK\u0003\u0004 this is a zip file, not an index at all"u8.ToArray());
        Assert.Contains("not a Tandem file", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);

        // The first bytes of an index written by Tandem before the shared container.
        File.WriteAllBytes(path, [.. "TANDEMIX"u8, 1, 0, 0, 0, 0, 0, 0, 0, .. new byte[64]]);
        Assert.Contains("written by an older Tandem", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);
        Assert.EndsWith("rebuild the index", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);

        using var index = Built("Flat", Metric.InnerProduct);
        index.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[4] = 99; // format version field
        File.WriteAllBytes(path, bytes);
        Assert.Contains("format version 99 is newer than this Tandem", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);

        string missing = Path.Combine(directory, "missing.idx");
        Assert.Equal($"{missing}: file not found; check the path", Assert.Throws<TandemFileException>(() => VectorIndex.Load(missing)).Message);

        string model = Path.Combine(directory, "model.tandem");
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddBytes("config", [1]);
        writer.Save(model);
        Assert.Equal($"{model} is a Tandem model, not an index", Assert.Throws<TandemFileException>(() => VectorIndex.Load(model)).Message);
    }

    /// <summary>Rewrites the index at <paramref name="path"/> with section <paramref name="name"/> replaced, every checksum valid.</summary>
    static void Rewrite(string path, string name, Func<byte[], byte[]> change)
    {
        var writer = new TandemFileWriter(TandemFileKind.Index);
        using (var reader = TandemFileReader.Open(path, TandemFileKind.Index))
            foreach (var section in reader.Sections)
            {
                byte[] bytes = reader.ReadBytes(section.Name, section.Kind);
                if (section.Name == name) bytes = change(bytes);
                writer.Add(section.Name, section.Kind, s => s.Write(bytes));
            }
        writer.Save(path);
    }

    [Fact]
    public void BadLengthsInsideAValidFileAreNamed()
    {
        // Files whose checksums are right but whose contents lie (as a buggy writer could produce) still fail clearly.
        using var index = Built("HNSW16", Metric.InnerProduct);
        string path = Path.Combine(directory, "lie.idx");
        index.Save(path);
        byte[] original = File.ReadAllBytes(path);

        Rewrite(path, "vectors", bytes => bytes[..^4]);
        Assert.Equal($"{path}: section 'vectors' has {3000 * TestData.Dimension * 4 - 4} bytes, not a whole number of {TestData.Dimension * 4}-byte rows — the file is corrupt",
            Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);

        File.WriteAllBytes(path, original);
        Rewrite(path, "ids", bytes => bytes[..^8]);
        Assert.Contains("section 'ids' has 2999 rows, expected 3000", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);

        File.WriteAllBytes(path, original);
        Rewrite(path, "header", bytes => bytes[..^1]);
        Assert.Contains("field 'upper-level", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);

        File.WriteAllBytes(path, original);
        Rewrite(path, "header", bytes => [.. bytes, 0]);
        Assert.Contains("1 unexpected bytes after the fields of section 'header'", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);
    }

    [Fact]
    public void NestedIndexSectionsAreNamedByTheirPath()
    {
        using var index = Built("IVF20,PQ4,Refine", Metric.L2);
        string path = Path.Combine(directory, "refine.idx");
        index.Save(path);
        using (var reader = TandemFileReader.Open(path, TandemFileKind.Index))
            Assert.Equal(["header", "inner/header", "inner/centroids", "inner/pq codebooks", "inner/list ids", "inner/list codes", "vectors", "ids", "tombstones"],
                reader.Sections.Select(s => s.Name));
        Rewrite(path, "inner/list codes", bytes => bytes[..^1]);
        Assert.Contains("section 'inner/list codes' has", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);
    }
}
