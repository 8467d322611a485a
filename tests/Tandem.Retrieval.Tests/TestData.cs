namespace Tandem.Retrieval.Tests;

/// <summary>Seeded random data for index tests: L2-normalised points around Gaussian cluster centres.</summary>
internal static class TestData
{
    public const int Dimension = 32;

    /// <summary><paramref name="n"/> vectors drawn from <paramref name="clusters"/> Gaussian clusters, normalised.</summary>
    public static float[] Clustered(int n, int dimension = Dimension, int clusters = 50, int seed = 7, float spread = 0.35f, bool normalise = true)
    {
        var random = new Random(seed);
        var centres = new float[clusters * dimension];
        for (int i = 0; i < centres.Length; i++) centres[i] = Gaussian(random);
        var data = new float[n * dimension];
        for (int i = 0; i < n; i++)
        {
            int c = random.Next(clusters);
            var v = data.AsSpan(i * dimension, dimension);
            for (int j = 0; j < dimension; j++) v[j] = centres[c * dimension + j] + spread * Gaussian(random);
            if (normalise) Normalise(v);
        }
        return data;
    }

    /// <summary>Items and queries from one mixture (queries are extra draws, not indexed items).</summary>
    public static (float[] Items, float[] Queries) ClusteredPair(int n, int queries, int clusters = 50, int seed = 7, int dimension = Dimension)
    {
        var all = Clustered(n + queries, dimension, clusters, seed);
        return (all[..(n * dimension)], all[(n * dimension)..]);
    }

    /// <summary>Ids 0..n-1, shifted so ids differ from positions where a test wants to catch confusion.</summary>
    public static long[] Ids(int n, long offset = 0) => Enumerable.Range(0, n).Select(i => i + offset).ToArray();

    public static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    public static void Normalise(Span<float> v)
    {
        double norm = 0;
        foreach (float x in v) norm += x * x;
        float scale = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < v.Length; i++) v[i] *= scale;
    }

    /// <summary>Random values in (-1, 1) that are never zero, for kernel tests.</summary>
    public static float[] Uniform(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (random.NextSingle() * 2 - 1) is var x && x == 0 ? 0.5f : x;
        return values;
    }

    /// <summary>Brute-force top-k in double precision: the independent reference.</summary>
    public static long[] BruteForce(float[] items, long[] ids, float[] queries, int k, Metric metric, int dimension = Dimension)
    {
        int n = items.Length / dimension, nq = queries.Length / dimension;
        var result = new long[nq * k];
        var scores = new double[n];
        var order = new int[n];
        for (int q = 0; q < nq; q++)
        {
            for (int i = 0; i < n; i++)
            {
                double dot = 0, l2 = 0, qq = 0, ii = 0;
                for (int j = 0; j < dimension; j++)
                {
                    double a = queries[q * dimension + j], b = items[i * dimension + j];
                    dot += a * b; l2 += (a - b) * (a - b); qq += a * a; ii += b * b;
                }
                scores[i] = metric switch { Metric.L2 => l2, Metric.Cosine => -dot / Math.Sqrt(qq * ii), _ => -dot };
                order[i] = i;
            }
            var keys = (double[])scores.Clone();
            Array.Sort(keys, order);
            for (int j = 0; j < k; j++) result[q * k + j] = j < n ? ids[order[j]] : -1;
        }
        return result;
    }

    /// <summary>Fraction of the true top-k found in the returned top-k, over all queries.</summary>
    public static double Recall(long[] truth, long[] found, int k)
    {
        int hits = 0;
        for (int q = 0; q < truth.Length / k; q++)
        {
            var expected = new HashSet<long>(truth.AsSpan(q * k, k).ToArray());
            for (int j = 0; j < k; j++) if (expected.Contains(found[q * k + j])) hits++;
        }
        return (double)hits / truth.Length;
    }

    /// <summary>Runs a search and returns its ids (and scores through <paramref name="scores"/>).</summary>
    public static long[] Search(IVectorIndex index, float[] queries, int k, out float[] scores, SearchOptions options = default)
    {
        int n = queries.Length / index.Dimension;
        scores = new float[n * k];
        var ids = new long[n * k];
        index.Search(queries, k, scores, ids, options);
        return ids;
    }
}
