using Tandem.IO;
using Tandem.Retrieval.MultiVector;

namespace Tandem.Retrieval.Tests.MultiVector;

public sealed class MultiVectorIndexTests : IDisposable
{
    const int D = 32, Items = 600, K = 10;
    readonly string directory = Directory.CreateTempSubdirectory("tandem-mv-").FullName;
    static readonly TokenSets data = TokenSets.Make(Items, 20, seed: 5, dimension: D);
    static readonly long[] ids = TestData.Ids(Items, offset: 100);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static MultiVectorIndex Built(int subQuantizers, int lists = 32)
    {
        var index = new MultiVectorIndex(D, lists, subQuantizers, seed: 3);
        index.Train(data.Tokens);
        index.Add(data.Tokens, data.Counts, ids);
        return index;
    }

    static long[] Search(MultiVectorIndex index, MultiVectorSearchOptions options = default) =>
        [.. data.Queries.SelectMany(q => { var s = new float[K]; var found = new long[K]; index.Search(q, K, s, found, options); return found; })];

    static long[] Truth(Func<long, bool>? allow = null) =>
        [.. data.Queries.SelectMany(q => TokenSets.BruteForce(data, ids, q, K, D, allow))];

    [Fact]
    public void FlatStorageProbingEverythingIsExactMaxSim()
    {
        var index = Built(subQuantizers: 0);
        Assert.Equal(1.0, TestData.Recall(Truth(), Search(index, new() { NProbe = 32, Candidates = Items }), K));
    }

    [Fact]
    public void PqStorageWithDefaultProbesFindsTheExactTopTen()
    {
        var index = Built(subQuantizers: 8);
        double recall = TestData.Recall(Truth(), Search(index), K);
        Assert.True(recall >= 0.85, $"recall@10 {recall:F3} of the exact MaxSim top-10");
        // A PQ8 token (8 code bytes + 2 centroid bytes) is a tenth of its 128 float bytes.
        Assert.Equal(10, index.TokenBytes);
        Assert.InRange(index.BytesPerItem, 10 * 6.0, 10 * 14 + 13 + 4 * 14);
    }

    [Fact]
    public void ScoreMatchesAScalarReference()
    {
        var index = Built(subQuantizers: 0);
        var query = data.Queries[0];
        var scores = new float[3];
        index.Score(query, [100, 105, 7], scores);
        Assert.Equal(TokenSets.MaxSim(data, 0, query, D), scores[0], 1e-4);
        Assert.Equal(TokenSets.MaxSim(data, 5, query, D), scores[1], 1e-4);
        Assert.Equal(float.NegativeInfinity, scores[2]); // id 7 is not in the index
    }

    [Fact]
    public void FilterAndRemoveAreAppliedInsideTheSearch()
    {
        var index = Built(subQuantizers: 0);
        Func<long, bool> even = id => id % 2 == 0;
        var found = Search(index, new() { NProbe = 32, Candidates = Items, Filter = IdFilter.Where(even) });
        Assert.All(found, id => Assert.True(id % 2 == 0));
        Assert.Equal(1.0, TestData.Recall(Truth(even), found, K));
        long best = Search(index, new() { NProbe = 32, Candidates = Items })[0];
        Assert.Equal(1, index.Remove([best, -5]));
        Assert.DoesNotContain(best, Search(index, new() { NProbe = 32, Candidates = Items }));
        Assert.Equal(Items - 1, index.Count);
    }

    [Fact]
    public void SaveLoadGivesTheSameResultsAndRefusesAnotherWidthOrModel()
    {
        var index = new MultiVectorIndex(D, 32, 8, seed: 3, model: "captions.tandem/32");
        index.Train(data.Tokens);
        index.Add(data.Tokens, data.Counts, ids);
        index.Remove([101]);
        string path = Path.Combine(directory, "tokens.idx");
        index.Save(path);
        var loaded = MultiVectorIndex.Load(path, dimension: D, model: "captions.tandem/32");
        Assert.Equal((index.Spec, index.Count, index.Tokens), (loaded.Spec, loaded.Count, loaded.Tokens));
        Assert.Equal(Search(index), Search(loaded));
        var width = Assert.Throws<TandemFileException>(() => MultiVectorIndex.Load(path, dimension: 64));
        Assert.Contains(path, width.Message);
        Assert.Contains("32-wide token vectors but the model gives 64-wide", width.Message);
        var model = Assert.Throws<TandemFileException>(() => MultiVectorIndex.Load(path, model: "other.tandem/32"));
        Assert.Contains("built for model 'captions.tandem/32'", model.Message);
        Assert.Contains("multi-vector index; load it with MultiVectorIndex.Load", Assert.Throws<TandemFileException>(() => VectorIndex.Load(path)).Message);
        var bytes = File.ReadAllBytes(path);
        bytes[^20] ^= 0x55;
        File.WriteAllBytes(path, bytes);
        Assert.Contains(path, Assert.Throws<TandemFileException>(() => MultiVectorIndex.Load(path)).Message);
    }

    [Fact]
    public void BadInputGetsAClearError()
    {
        var index = new MultiVectorIndex(D, 4, 0);
        Assert.Throws<InvalidOperationException>(() => index.Add(new float[D], [1], [1]));
        index.Train(data.Tokens);
        Assert.Contains("Item 4 has 0 token vectors", Assert.Throws<TandemException>(() => index.Add(new float[D], [1, 0], [3, 4])).Message);
        index.Add(new float[D], [1], [3]);
        Assert.Contains("Id 3 is already", Assert.Throws<TandemException>(() => index.Add(new float[D], [1], [3])).Message);
        Assert.Contains("PQ5", Assert.Throws<TandemException>(() => new MultiVectorIndex(D, 4, 5)).Message);
        Assert.Throws<ArgumentException>(() => index.Search(new float[D + 1], 3, new float[3], new long[3]));
    }
}

/// <summary>Seeded token sets: each item draws its tokens around a few of many topic centres; each query mixes an item's topics.</summary>
internal sealed record TokenSets(float[] Tokens, int[] Counts, int[] Firsts, float[][] Queries)
{
    public static TokenSets Make(int items, int queries, int seed, int dimension, int maxTokens = 12, int queryTokens = 8)
    {
        var random = new Random(seed);
        var topics = TestData.Clustered(64, dimension, clusters: 64, seed: seed + 1, spread: 1f);
        var tokens = new List<float>();
        var counts = new int[items];
        var firsts = new int[items + 1];
        var itemTopics = new int[items][];
        for (int i = 0; i < items; i++)
        {
            itemTopics[i] = [random.Next(64), random.Next(64), random.Next(64)];
            counts[i] = random.Next(2, maxTokens + 1);
            for (int t = 0; t < counts[i]; t++) tokens.AddRange(Around(topics, itemTopics[i][random.Next(3)], dimension, random));
            firsts[i + 1] = firsts[i] + counts[i];
        }
        var qs = new float[queries][];
        for (int q = 0; q < queries; q++)
        {
            var source = itemTopics[random.Next(items)];
            qs[q] = [.. Enumerable.Range(0, queryTokens).SelectMany(_ => Around(topics, source[random.Next(3)], dimension, random))];
        }
        return new TokenSets([.. tokens], counts, firsts, qs);
    }

    static float[] Around(float[] topics, int topic, int d, Random random)
    {
        var v = new float[d];
        for (int j = 0; j < d; j++) v[j] = topics[topic * d + j] + 0.1f * TestData.Gaussian(random);
        TestData.Normalise(v);
        return v;
    }

    /// <summary>MaxSim in double precision: Σ_q max_t q·t.</summary>
    public static double MaxSim(TokenSets data, int item, float[] query, int d)
    {
        double sum = 0;
        for (int q = 0; q < query.Length / d; q++)
        {
            double best = double.NegativeInfinity;
            for (int t = data.Firsts[item]; t < data.Firsts[item + 1]; t++)
            {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += (double)query[q * d + j] * data.Tokens[t * d + j];
                best = Math.Max(best, dot);
            }
            sum += best;
        }
        return sum;
    }

    /// <summary>The exact MaxSim top-k ids of the allowed items.</summary>
    public static long[] BruteForce(TokenSets data, long[] ids, float[] query, int k, int d, Func<long, bool>? allow = null) =>
        [.. Enumerable.Range(0, data.Counts.Length).Where(i => allow?.Invoke(ids[i]) ?? true)
            .OrderByDescending(i => MaxSim(data, i, query, d)).Take(k).Select(i => ids[i])];
}
