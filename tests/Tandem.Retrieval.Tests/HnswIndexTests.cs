namespace Tandem.Retrieval.Tests;

public class HnswIndexTests
{
    const int K = 10;

    [Fact]
    public void RemovedItemsVanishAndCompactionKeepsRecall()
    {
        var (items, queries) = TestData.ClusteredPair(8000, 100, clusters: 60, seed: 41);
        var ids = TestData.Ids(8000);
        using var index = new HnswIndex(TestData.Dimension, m: 16, efConstruction: 100, efSearch: 64);
        index.Add(items, ids);
        var removed = ids.Where(id => id % 4 == 0).ToArray();
        Assert.Equal(removed.Length, index.Remove(removed));
        Assert.Equal(8000 - removed.Length, index.Count);
        Assert.Equal(removed.Length, index.DeletedCount);
        var gone = new HashSet<long>(removed);
        var kept = ids.Where(id => !gone.Contains(id)).ToArray();
        var keptItems = kept.SelectMany(id => items.AsSpan((int)id * TestData.Dimension, TestData.Dimension).ToArray()).ToArray();
        var truth = TestData.BruteForce(keptItems, kept, queries, K, Metric.InnerProduct);

        var found = TestData.Search(index, queries, K, out _);
        Assert.DoesNotContain(found, gone.Contains);
        Assert.True(TestData.Recall(truth, found, K) >= 0.95);

        index.Compact();
        Assert.Equal(0, index.DeletedCount);
        Assert.Equal(kept.Length, index.Count);
        found = TestData.Search(index, queries, K, out _);
        Assert.DoesNotContain(found, gone.Contains);
        Assert.True(TestData.Recall(truth, found, K) >= 0.95);
    }

    [Fact]
    public async Task ConcurrentAddsAndSearchesKeepTheContract()
    {
        // Contract: Add with Add and Add with Search are safe. Two writers add disjoint halves while a
        // reader searches; afterwards every item is present and recall is that of a serial build.
        var (items, queries) = TestData.ClusteredPair(10_000, 100, clusters: 60, seed: 51);
        var ids = TestData.Ids(10_000);
        using var index = new HnswIndex(TestData.Dimension, m: 16, efConstruction: 100, efSearch: 64);
        index.Add(items.AsSpan(0, 100 * TestData.Dimension), ids.AsSpan(0, 100));
        using var done = new CancellationTokenSource();
        int searches = 0;
        using var readerRunning = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            var scores = new float[K];
            var found = new long[K];
            while (!done.IsCancellationRequested)
            {
                index.Search(queries.AsSpan(0, TestData.Dimension), K, scores, found);
                Assert.All(found, id => Assert.True(id >= -1 && id < 10_000));
                Interlocked.Increment(ref searches);
                readerRunning.Set();
            }
        });
        // Writers start only once the reader is searching, so the two really overlap.
        Assert.True(readerRunning.Wait(TimeSpan.FromSeconds(30)));
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (int start = 100 + w * 100; start < 10_000; start += 200)
                index.Add(items.AsSpan(start * TestData.Dimension, 100 * TestData.Dimension), ids.AsSpan(start, 100));
        })).ToArray();
        await Task.WhenAll(writers);
        done.Cancel();
        await reader;
        Assert.True(Volatile.Read(ref searches) > 0);
        Assert.Equal(10_000, index.Count);
        var truth = TestData.BruteForce(items, ids, queries, K, Metric.InnerProduct);
        double recall = TestData.Recall(truth, TestData.Search(index, queries, K, out _), K);
        Assert.True(recall >= 0.95, $"recall after concurrent build {recall:F3}");
    }

    [Fact]
    public void SearchesFromSeveralThreadsAgreeWithOneThread()
    {
        var (items, queries) = TestData.ClusteredPair(4000, 64, seed: 61);
        using var index = new HnswIndex(TestData.Dimension, m: 16, efConstruction: 64, efSearch: 32);
        index.Add(items, TestData.Ids(4000));
        var serial = TestData.Search(index, queries, K, out _, new SearchOptions { Threads = 1 });
        var parallel = TestData.Search(index, queries, K, out _, new SearchOptions { Threads = 4 });
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void EmptyIndexReturnsPadding()
    {
        using var index = new HnswIndex(3);
        Assert.Equal([-1L, -1L], TestData.Search(index, [1, 0, 0], 2, out var scores));
        Assert.True(float.IsNegativeInfinity(scores[0]));
    }
}
