namespace Tandem.Retrieval.Tests;

/// <summary>Filters apply inside the search: K allowed results come back even when few ids are allowed.</summary>
public class FilterTests
{
    const int Items = 5000, K = 10;
    static readonly (float[] Items, float[] Queries) data = TestData.ClusteredPair(Items, 20, clusters: 40, seed: 31);
    static readonly float[] items = data.Items, queries = data.Queries;
    static readonly long[] ids = TestData.Ids(Items, offset: 100);

    public static TheoryData<string> Specs => new() { "Flat", "HNSW16,efC64", "IVF32,Flat", "IVF32,PQ8", "IVF32,PQ8,Refine" };

    static VectorIndex Build(string spec)
    {
        var index = IndexFactory.Create(spec, TestData.Dimension);
        index.Train(items);
        index.Add(items, ids);
        return index;
    }

    [Theory, MemberData(nameof(Specs))]
    public void BitmapAllowListReturnsKAllowedResults(string spec)
    {
        using var index = Build(spec);
        // 1% of ids allowed: every 97th, far fewer than an unfiltered top-K would contain.
        var allowed = ids.Where(id => id % 97 == 0).ToArray();
        var bitmap = IdFilter.AllowOnly(allowed);
        // Probing every cell lets IVF reach all allowed items.
        var options = new SearchOptions { Filter = bitmap, NProbe = 32 };
        var found = TestData.Search(index, queries, K, out _, options);
        Assert.All(found, id => Assert.True(id >= 0 && bitmap.Allows(id), $"{spec} returned id {id}, which is not allowed"));
        for (int q = 0; q < queries.Length / TestData.Dimension; q++)
            Assert.Equal(K, found.AsSpan(q * K, K).ToArray().Distinct().Count());
    }

    [Theory, MemberData(nameof(Specs))]
    public void PredicateExcludesSeenItems(string spec)
    {
        using var index = Build(spec);
        var unfiltered = TestData.Search(index, queries, K, out _, new SearchOptions { NProbe = 32 });
        var seen = new HashSet<long>(unfiltered);
        var found = TestData.Search(index, queries, K, out _, new SearchOptions { Filter = IdFilter.Where(id => !seen.Contains(id)), NProbe = 32 });
        Assert.All(found, id => Assert.True(id >= 0 && !seen.Contains(id)));
    }

    [Fact]
    public void FilteredFlatMatchesBruteForceOnAllowedItems()
    {
        using var index = Build("Flat");
        var allowed = ids.Where(id => id % 5 == 1).ToArray();
        var allowedItems = allowed.SelectMany(id => items.AsSpan((int)(id - 100) * TestData.Dimension, TestData.Dimension).ToArray()).ToArray();
        var truth = TestData.BruteForce(allowedItems, allowed, queries, K, Metric.InnerProduct);
        var found = TestData.Search(index, queries, K, out _, new SearchOptions { Filter = IdFilter.AllowOnly(allowed) });
        Assert.Equal(1.0, TestData.Recall(truth, found, K), 3);
    }

    [Fact]
    public void BitmapRejectsOutOfRangeIds()
    {
        var bitmap = new IdBitmap(10);
        bitmap.Set(3);
        Assert.True(bitmap.Allows(3));
        Assert.False(bitmap.Allows(4));
        Assert.False(bitmap.Allows(-1));
        Assert.False(bitmap.Allows(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.Set(10));
    }
}
