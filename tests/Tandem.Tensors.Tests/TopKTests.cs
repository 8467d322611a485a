namespace Tandem.Tensors.Tests;

/// <summary><see cref="TopK{TId}"/> against a full sort by (key, id), with ties, NaN keys, ids in random order and k above n.</summary>
public class TopKTests
{
    /// <summary>Keys from a few distinct values (many ties), about one in ten NaN; ids a shuffled 0..n-1.</summary>
    static (float[] Keys, long[] Ids) Stream(int n, int seed)
    {
        var random = new Random(seed);
        var keys = new float[n];
        for (int i = 0; i < n; i++) keys[i] = random.Next(10) == 0 ? float.NaN : random.Next(-8, 9) * 0.5f;
        var ids = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        random.Shuffle(ids);
        return (keys, ids);
    }

    /// <summary>The k smallest non-NaN pairs by key then id, padded with +inf and -1 to k.</summary>
    static (float[] Keys, long[] Ids) Reference(float[] keys, long[] ids, int k)
    {
        var best = Enumerable.Range(0, keys.Length).Where(i => !float.IsNaN(keys[i]))
            .OrderBy(i => keys[i]).ThenBy(i => ids[i]).Take(k).ToArray();
        return (best.Select(i => keys[i]).Concat(Enumerable.Repeat(float.PositiveInfinity, k - best.Length)).ToArray(),
                best.Select(i => ids[i]).Concat(Enumerable.Repeat(-1L, k - best.Length)).ToArray());
    }

    public static TheoryData<int> Sizes => [0, 1, 2, 7, 16, 33, 100, 1001];

    [Theory, MemberData(nameof(Sizes))]
    public void KeepsTheKSmallestPairsOfAStream(int n)
    {
        var (keys, ids) = Stream(n, seed: n);
        foreach (int k in new[] { 0, 1, 3, 10, n, n + 5 })
        {
            var top = new TopK<long>(k);
            for (int i = 0; i < n; i++) top.Push(keys[i], ids[i]);
            var (expectedKeys, expectedIds) = Reference(keys, ids, k);
            var (outKeys, outIds) = (new float[k], new long[k]);
            int kept = top.Drain(outKeys, outIds);
            Assert.Equal(expectedIds.Count(id => id >= 0), kept);
            Assert.Equal(expectedIds, outIds);
            Assert.Equal(expectedKeys, outKeys);
            Assert.Equal(0, top.Count);
        }
    }

    [Theory, MemberData(nameof(Sizes))]
    public void ASplitStreamMergesToTheSameResult(int n)
    {
        // The order of arrival does not matter, so threads may each take a part and merge.
        var (keys, ids) = Stream(n, seed: 100 + n);
        const int k = 10;
        var whole = new TopK<long>(k);
        for (int i = 0; i < n; i++) whole.Push(keys[i], ids[i]);
        var parts = new[] { new TopK<long>(k), new TopK<long>(k), new TopK<long>(k) };
        for (int i = n - 1; i >= 0; i--) parts[i % 3].Push(keys[i], ids[i]);
        parts[2].Merge(parts[0]);
        parts[2].Merge(parts[1]);
        var (a, b) = ((new float[k], new long[k]), (new float[k], new long[k]));
        whole.Drain(a.Item1, a.Item2);
        parts[2].Drain(b.Item1, b.Item2);
        Assert.Equal(a.Item2, b.Item2);
        Assert.Equal(a.Item1, b.Item1);
    }

    [Fact]
    public void UnboundedItPopsLargestFirst()
    {
        var (keys, ids) = Stream(500, seed: 5);
        var queue = new TopK<int>(int.MaxValue);
        for (int i = 0; i < keys.Length; i++) queue.Push(keys[i], (int)ids[i]);
        var expected = Enumerable.Range(0, keys.Length).Where(i => !float.IsNaN(keys[i]))
            .OrderByDescending(i => keys[i]).ThenByDescending(i => ids[i]).Select(i => (int)ids[i]).ToArray();
        var popped = new List<int>();
        while (queue.Count > 0)
        {
            popped.Add(queue.LargestId);
            queue.RemoveLargest();
        }
        Assert.Equal(expected, popped);
    }

    [Fact]
    public void ThresholdIsTheWorstKeptKeyOnceFull()
    {
        var top = new TopK<int>(2);
        Assert.Equal(float.PositiveInfinity, top.Threshold);
        top.Push(5, 0);
        Assert.Equal(float.PositiveInfinity, top.Threshold);
        top.Push(3, 1);
        Assert.Equal(5f, top.Threshold);
        top.Push(5, 2); // equal key, higher id: turned away
        top.Push(4, 3);
        Assert.Equal(4f, top.Threshold);
        top.Push(4, 0); // equal key, lower id: replaces (4, 3)
        Assert.Equal((4f, 0), (top.Largest, top.LargestId));
        Assert.True(float.IsNaN(new TopK<int>(0).Threshold));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopK<int>(-1));
        Assert.Throws<ArgumentException>(() => top.Drain(new float[1], new int[2]));
    }
}
