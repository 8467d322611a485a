namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class MaxSimTests
{
    /// <summary>Σ_i max_j ⟨q_i, d_j⟩ in double, straight from the definition.</summary>
    static double Reference(float[] query, int queryCount, float[] documents, int first, int count, int width)
    {
        if (queryCount == 0) return 0;
        if (count == 0) return double.NegativeInfinity;
        double score = 0;
        for (int i = 0; i < queryCount; i++)
        {
            double best = double.NegativeInfinity;
            for (int j = first; j < first + count; j++)
            {
                double dot = 0;
                for (int c = 0; c < width; c++) dot += (double)query[i * width + c] * documents[j * width + c];
                best = Math.Max(best, dot);
            }
            score += best;
        }
        return score;
    }

    /// <summary>Random rows followed by <paramref name="padding"/> rows of NaN, which a kernel that reads them would propagate.</summary>
    static float[] Rows(int count, int padding, int width, int seed)
    {
        var values = TestData.Uniform((count + padding) * width, seed);
        Array.Fill(values, float.NaN, count * width, padding * width);
        return values;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int width in new[] { 1, 7, 16, 17, 64 })
            foreach (int queryCount in new[] { 0, 1, 3, 8, 16, 17, 33 })
                foreach (int documentCount in new[] { 0, 1, 3, 4, 5, 32 })
                {
                    var query = Rows(queryCount, 2, width, seed: width * 100 + queryCount);
                    var document = Rows(documentCount, 3, width, seed: width * 100 + documentCount + 50);
                    float score = Kernels.MaxSim(query, queryCount, document, documentCount, width, level);
                    TestData.AssertClose([Reference(query, queryCount, document, 0, documentCount, width)], [score],
                        rtol: 1e-5, atol: 1e-4, $"{level}, width {width}, {queryCount} x {documentCount}");
                }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void BatchedScoresEachDocument(SimdLevel level)
    {
        const int width = 64, queryCount = 32;
        // Documents of 32, 0, 5 and 31 vectors; the last row belongs to none.
        int[] offsets = [0, 32, 32, 37, 68];
        var query = TestData.Uniform(queryCount * width, seed: 1);
        var documents = TestData.WithOutliers(69 * width, seed: 2);
        var scores = new float[4];
        TestData.WithThreads(2, () => Kernels.MaxSim(query, queryCount, documents, offsets, width, scores, level));
        var expected = Enumerable.Range(0, 4)
            .Select(k => Reference(query, queryCount, documents, offsets[k], offsets[k + 1] - offsets[k], width)).ToArray();
        TestData.AssertClose(expected, scores, rtol: 1e-5, atol: 1e-3, $"{level}");
    }

    [Fact]
    public void ThreadCountDoesNotChangeABit()
    {
        const int width = 64, documents = 300;
        var query = TestData.Uniform(32 * width, seed: 3);
        var rows = TestData.Uniform(documents * 32 * width, seed: 4);
        int[] offsets = Enumerable.Range(0, documents + 1).Select(k => k * 32).ToArray();
        float[] one = new float[documents], two = new float[documents];
        TestData.WithThreads(1, () => Kernels.MaxSim(query, 32, rows, offsets, width, one));
        TestData.WithThreads(2, () => Kernels.MaxSim(query, 32, rows, offsets, width, two));
        Assert.Equal(one, two);
    }

    [Fact]
    public void HandComputedScore()
    {
        float[] query = [1, 0, 0, 1];          // q0 = (1, 0), q1 = (0, 1)
        float[] document = [2, 1, -1, 3, 0, 0]; // d0 = (2, 1), d1 = (-1, 3), d2 = (0, 0)
        // q0: max(2, -1, 0) = 2; q1: max(1, 3, 0) = 3; 2 + 3 = 5.
        Assert.Equal(5f, Kernels.MaxSim(query, 2, document, 3, 2));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MaxSim(new float[8], 5, new float[8], 1, 2));
        Assert.Contains("queryCount is 5 but must be 0..4", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MaxSim(new float[8], 1, new float[8], -1, 2));
        Assert.Contains("documentCount is -1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MaxSim(new float[8], 1, new float[8], 1, 0));
        var a = Assert.Throws<ArgumentException>(() => Kernels.MaxSim(new float[7], 1, new float[8], 1, 2));
        Assert.Contains("query holds 7 values", a.Message);
        a = Assert.Throws<ArgumentException>(() => Kernels.MaxSim(new float[8], 1, new float[8], [0, 3, 2], 2, new float[2]));
        Assert.Contains("offsets[2]", a.Message);
        a = Assert.Throws<ArgumentException>(() => Kernels.MaxSim(new float[8], 1, new float[8], [0, 2], 2, new float[2]));
        Assert.Contains("scores holds 2 values but must hold 1", a.Message);
    }
}
