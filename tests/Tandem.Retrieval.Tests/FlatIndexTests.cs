namespace Tandem.Retrieval.Tests;

public class FlatIndexTests
{
    [Theory]
    [InlineData(Metric.InnerProduct)]
    [InlineData(Metric.L2)]
    [InlineData(Metric.Cosine)]
    public void BatchAndSingleQueriesMatchBruteForce(Metric metric)
    {
        var items = TestData.Clustered(3000, normalise: false, seed: 11);
        var ids = TestData.Ids(3000, offset: 1000);
        var queries = TestData.Clustered(40, seed: 12, normalise: false);
        using var index = new FlatIndex(TestData.Dimension, metric);
        index.Add(items, ids);
        var truth = TestData.BruteForce(items, ids, queries, 10, metric);
        // 40 queries take the SGEMM path; one at a time the scan path.
        var batch = TestData.Search(index, queries, 10, out var batchScores);
        Assert.True(TestData.Recall(truth, batch, 10) >= 0.999, "batched exact search must equal brute force");
        for (int q = 0; q < 40; q++)
        {
            var single = TestData.Search(index, queries.AsSpan(q * TestData.Dimension, TestData.Dimension).ToArray(), 10, out var singleScores);
            Assert.Equal(batch.AsSpan(q * 10, 10).ToArray(), single);
            for (int j = 0; j < 10; j++) Assert.Equal(batchScores[q * 10 + j], singleScores[j], 1e-3f);
        }
        // Scores come out best first.
        for (int j = 1; j < 10; j++)
            Assert.True(metric.HigherIsBetter() ? batchScores[j - 1] >= batchScores[j] : batchScores[j - 1] <= batchScores[j]);
    }

    [Theory]
    [InlineData(Metric.InnerProduct)]
    [InlineData(Metric.L2)]
    public void EqualDistancesGoToTheLowerIdInEveryPath(Metric metric)
    {
        // 300 integer vectors, each stored three times under descending ids, so every scan meets the
        // highest id of a tie first; small integers make every distance exact in float on every path.
        const int d = 16, distinct = 300, k = 7, n = 3 * distinct, queryCount = 20;
        var random = new Random(3);
        var vectors = Enumerable.Range(0, distinct * d).Select(_ => (float)random.Next(-3, 4)).ToArray();
        var items = new float[n * d];
        for (int c = 0; c < 3; c++) vectors.CopyTo(items, c * distinct * d);
        var ids = Enumerable.Range(0, n).Select(i => (long)(n - i)).ToArray();
        var queries = Enumerable.Range(0, queryCount * d).Select(_ => (float)random.Next(-3, 4)).ToArray();
        using var index = new FlatIndex(d, metric);
        index.Add(items, ids);

        var expected = new long[queryCount * k];
        for (int q = 0; q < queryCount; q++)
        {
            var query = queries.AsSpan(q * d, d).ToArray();
            double Distance(int i) => Enumerable.Range(0, d).Sum(j => metric == Metric.L2
                ? (query[j] - items[i * d + j]) * (double)(query[j] - items[i * d + j])
                : -(double)query[j] * items[i * d + j]);
            Enumerable.Range(0, n).OrderBy(Distance).ThenBy(i => ids[i]).Take(k).Select(i => ids[i]).ToArray().CopyTo(expected, q * k);
        }
        // 20 queries take the SGEMM path with its vector threshold test; one at a time the scan path.
        Assert.Equal(expected, TestData.Search(index, queries, k, out _));
        for (int q = 0; q < queryCount; q++)
            Assert.Equal(expected.AsSpan(q * k, k).ToArray(), TestData.Search(index, queries.AsSpan(q * d, d).ToArray(), k, out _));
    }

    [Fact]
    public void ScoresAreTheMetricsValues()
    {
        using var ip = new FlatIndex(2, Metric.InnerProduct);
        using var l2 = new FlatIndex(2, Metric.L2);
        using var cos = new FlatIndex(2, Metric.Cosine);
        float[] items = [3, 4, 1, 0];
        foreach (var index in new FlatIndex[] { ip, l2, cos }) index.Add(items, [7, 8]);
        // query (1,1): ip = 3+4 = 7 and 1; l2 = 4+9 = 13 and 0+1 = 1; cosine = 7/(5·√2) ≈ 0.98995 and 1/√2 ≈ 0.70711.
        var ids = TestData.Search(ip, [1, 1], 2, out var s);
        Assert.Equal([7L, 8L], ids); Assert.Equal(7f, s[0], 1e-5f); Assert.Equal(1f, s[1], 1e-5f);
        ids = TestData.Search(l2, [1, 1], 2, out s);
        Assert.Equal([8L, 7L], ids); Assert.Equal(1f, s[0], 1e-5f); Assert.Equal(13f, s[1], 1e-5f);
        ids = TestData.Search(cos, [1, 1], 2, out s);
        Assert.Equal([7L, 8L], ids); Assert.Equal(0.98995f, s[0], 1e-4f); Assert.Equal(0.70711f, s[1], 1e-4f);
    }

    [Fact]
    public void ShortResultsArePadded()
    {
        using var index = new FlatIndex(2, Metric.L2);
        index.Add([1, 1], [5]);
        var ids = TestData.Search(index, [0, 0], 3, out var scores);
        Assert.Equal([5L, -1L, -1L], ids);
        Assert.Equal(2f, scores[0]);
        Assert.True(float.IsPositiveInfinity(scores[1]));
    }

    [Fact]
    public void RemoveDropsItemsAndKeepsTheRest()
    {
        var items = TestData.Clustered(500, seed: 3);
        var ids = TestData.Ids(500);
        using var index = new FlatIndex(TestData.Dimension);
        index.Add(items, ids);
        var gone = ids.Where(id => id % 3 == 0).ToArray();
        Assert.Equal(gone.Length, index.Remove(gone));
        Assert.Equal(500 - gone.Length, index.Count);
        Assert.Equal(0, index.Remove([0]));
        var kept = ids.Where(id => id % 3 != 0).ToArray();
        var keptItems = kept.SelectMany(id => items.AsSpan((int)id * TestData.Dimension, TestData.Dimension).ToArray()).ToArray();
        var queries = TestData.Clustered(20, seed: 4);
        var truth = TestData.BruteForce(keptItems, kept, queries, 10, Metric.InnerProduct);
        Assert.Equal(1.0, TestData.Recall(truth, TestData.Search(index, queries, 10, out _), 10), 3);
    }

    [Fact]
    public void BadInputIsAClearError()
    {
        using var index = new FlatIndex(4);
        var e = Assert.Throws<ArgumentException>(() => index.Add(new float[7], [1]));
        Assert.Contains("not a whole number of 4-dimensional", e.Message);
        Assert.Contains("-3", Assert.Throws<TandemException>(() => index.Add(new float[4], [-3])).Message);
        e = Assert.Throws<ArgumentException>(() => index.Search(new float[4], 0, new float[1], new long[1]));
        Assert.Contains("k must be positive", e.Message);
        e = Assert.Throws<ArgumentException>(() => index.Search(new float[8], 2, new float[3], new long[4]));
        Assert.Contains("needs 4 scores", e.Message);
    }
}
