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
        Assert.Empty(Directory.GetFiles(directory, "*.tmp-*"));
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
            var error = Assert.Throws<InvalidDataException>(() => VectorIndex.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("truncated", error.Message);
        }
    }

    [Fact]
    public void CorruptedByteFailsTheChecksum()
    {
        using var index = Built("HNSW16", Metric.InnerProduct);
        string path = Path.Combine(directory, "bad.idx");
        index.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => VectorIndex.Load(path));
        Assert.Contains("checksum mismatch", error.Message);
    }

    [Fact]
    public void OtherFilesAndNewerVersionsAreNamed()
    {
        string path = Path.Combine(directory, "other.idx");
        File.WriteAllBytes(path, "PK\u0003\u0004 this is a zip file, not an index at all"u8.ToArray());
        Assert.Contains("not a Tandem index file", Assert.Throws<InvalidDataException>(() => VectorIndex.Load(path)).Message);

        using var index = Built("Flat", Metric.InnerProduct);
        index.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 99; // format version field
        File.WriteAllBytes(path, bytes);
        Assert.Contains("version 99 is not supported", Assert.Throws<InvalidDataException>(() => VectorIndex.Load(path)).Message);

        Assert.Throws<FileNotFoundException>(() => VectorIndex.Load(Path.Combine(directory, "missing.idx")));
    }

    [Fact]
    public void BadLengthInsideAValidFileIsNamed()
    {
        // A file whose checksum is right but whose body lies (as a buggy writer could produce) still fails clearly.
        using var index = Built("Flat", Metric.InnerProduct);
        string path = Path.Combine(directory, "lie.idx");
        index.Save(path);
        var bytes = File.ReadAllBytes(path);
        // Body starts at 16: kind string (4-byte length + "Flat"), dimension, metric, then the vector row count.
        int rowsAt = 16 + 4 + 4 + 4 + 4;
        BitConverter.GetBytes(1_000_000).CopyTo(bytes, rowsAt);
        var body = bytes.AsSpan(0, bytes.Length - 24);
        BitConverter.GetBytes(System.IO.Hashing.XxHash64.HashToUInt64(body)).CopyTo(bytes, bytes.Length - 16);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => VectorIndex.Load(path));
        Assert.Contains("field 'vectors'", error.Message);
    }
}
