namespace Tandem.Retrieval.Tests;

/// <summary>Recall@10 of each approximate index against exact search on 20,000 clustered 32-d vectors.</summary>
public class RecallTests
{
    const int Items = 20_000, Queries = 200, K = 10;
    static readonly (float[] Items, float[] Queries) data = TestData.ClusteredPair(Items, Queries, clusters: 100, seed: 21);
    static readonly float[] items = data.Items, queries = data.Queries;
    static readonly long[] ids = TestData.Ids(Items, offset: 5);

    static double RecallOf(VectorIndex index, long[] truth, SearchOptions options = default)
    {
        index.Train(items);
        index.Add(items, ids);
        Assert.Equal(Items, index.Count);
        return TestData.Recall(truth, TestData.Search(index, queries, K, out _, options), K);
    }

    static long[] Truth(Metric metric)
    {
        using var flat = new FlatIndex(TestData.Dimension, metric);
        flat.Add(items, ids);
        return TestData.Search(flat, queries, K, out _);
    }

    [Fact]
    public void FlatIsExact() => Assert.Equal(1.0, TestData.Recall(TestData.BruteForce(items, ids, queries, K, Metric.InnerProduct), Truth(Metric.InnerProduct), K), 3);

    [Theory]
    [InlineData(Metric.InnerProduct)]
    [InlineData(Metric.L2)]
    public void HnswRecallAbove095(Metric metric)
    {
        using var index = new HnswIndex(TestData.Dimension, metric, m: 16, efConstruction: 100, efSearch: 64);
        double recall = RecallOf(index, Truth(metric));
        Assert.True(recall >= 0.95, $"HNSW recall@10 {recall:F3} < 0.95");
    }

    [Fact]
    public void IvfFlatRecallAbove095()
    {
        using var index = IvfIndex.WithFlat(TestData.Dimension, 100, nprobe: 20);
        double recall = RecallOf(index, Truth(Metric.InnerProduct));
        Assert.True(recall >= 0.95, $"IVF-Flat recall@10 {recall:F3} < 0.95");
    }

    // 8 bytes for 32 floats (4-d sub-vectors) is coarse. FAISS 1.7.3's IndexIVFPQ(100 lists, PQ8, nprobe 20)
    // on data drawn the same way measures 0.35 (inner product) and 0.64 (L2); the floors sit below both.
    [Theory]
    [InlineData(Metric.InnerProduct, 0.3)]
    [InlineData(Metric.L2, 0.5)]
    public void IvfPqRecallAboveFloorAndRefineAbove095(Metric metric, double floor)
    {
        var truth = Truth(metric);
        using var pq = IvfIndex.WithPq(TestData.Dimension, 100, 8, metric, nprobe: 20);
        double recall = RecallOf(pq, truth);
        Assert.True(recall >= floor, $"IVF-PQ8 recall@10 {recall:F3} < {floor}");
        using var refined = new RefineIndex(IvfIndex.WithPq(TestData.Dimension, 100, 8, metric, nprobe: 20), kFactor: 16);
        double refinedRecall = RecallOf(refined, truth);
        Assert.True(refinedRecall >= 0.95, $"IVF-PQ8,Refine recall@10 {refinedRecall:F3} < 0.95");
        Assert.True(refinedRecall > recall);
    }

    // 16 bytes (32 four-bit codes) for 32 floats; the shortlist of 16·K is re-ranked exactly.
    [Theory]
    [InlineData(Metric.InnerProduct)]
    [InlineData(Metric.L2)]
    public void FastScanRecallAboveFloorAndRefineAbove095(Metric metric)
    {
        var truth = Truth(metric);
        using var fastScan = IvfIndex.WithFastScan(TestData.Dimension, 100, 32, metric, nprobe: 20);
        double recall = RecallOf(fastScan, truth);
        Assert.True(recall >= 0.4, $"IVF-PQ32x4fs recall@10 {recall:F3} < 0.4");
        using var refined = IndexFactory.Create("IVF100,PQ32x4fs,Refine16", TestData.Dimension, metric);
        double refinedRecall = RecallOf(refined, truth, new SearchOptions { NProbe = 20 });
        Assert.True(refinedRecall >= 0.95, $"IVF-PQ32x4fs,Refine16 recall@10 {refinedRecall:F3} < 0.95");
    }

    [Fact]
    public void MoreProbesNeverLowerRecall()
    {
        var truth = Truth(Metric.InnerProduct);
        using var index = IvfIndex.WithPq(TestData.Dimension, 100, 8, nprobe: 1);
        index.Train(items);
        index.Add(items, ids);
        double previous = 0;
        foreach (int nprobe in new[] { 1, 4, 16, 100 })
        {
            double recall = TestData.Recall(truth, TestData.Search(index, queries, K, out _, new SearchOptions { NProbe = nprobe }), K);
            Assert.True(recall >= previous - 1e-9, $"nprobe {nprobe}: recall {recall} fell below {previous}");
            previous = recall;
        }
    }
}
