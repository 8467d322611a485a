namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class TopKTests
{
    /// <summary>A full sort by value descending, then column ascending, cut to k and padded.</summary>
    static (float[] Values, int[] Indices) Reference(float[] x, int cols, int k)
    {
        var values = new List<float>();
        var indices = new List<int>();
        for (int r = 0; r < x.Length / cols; r++)
        {
            var best = Enumerable.Range(0, cols).OrderByDescending(c => x[r * cols + c]).ThenBy(c => c).Take(k).ToList();
            indices.AddRange(best.Concat(Enumerable.Repeat(-1, k - best.Count)));
            values.AddRange(best.Select(c => x[r * cols + c]).Concat(Enumerable.Repeat(float.NegativeInfinity, k - best.Count)));
        }
        return (values.ToArray(), indices.ToArray());
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesFullSort(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes.Append(1000))
            foreach (bool ties in new[] { false, true })
                foreach (int k in new[] { 0, 1, 3, 10, cols, cols + 2 })
                {
                    const int rows = 3;
                    var x = TestData.WithOutliers(rows * cols, seed: cols + k);
                    if (ties) x = x.Select(v => MathF.Round(v * 2)).ToArray(); // few distinct values
                    var values = new float[rows * k];
                    var indices = new int[rows * k];
                    Kernels.TopK(x, cols, k, values, indices, level);
                    var expected = Reference(x, cols, k);
                    Assert.True(expected.Indices.SequenceEqual(indices), $"{level}, cols {cols}, k {k}, ties {ties}: indices differ");
                    Assert.Equal(expected.Values, values);
                }
    }

    [Fact]
    public void TiesGoToTheLowerIndexAndShortRowsArePadded()
    {
        float[] x = [5, 7, 5, 7, 1];
        var values = new float[7];
        var indices = new int[7];
        Kernels.TopK(x, 5, 7, values, indices);
        Assert.Equal([1, 3, 0, 2, 4, -1, -1], indices);
        Assert.Equal([7f, 7, 5, 5, 1, float.NegativeInfinity, float.NegativeInfinity], values);
    }

    [Fact]
    public void NaNIsNeverSelected()
    {
        float[] x = [1, float.NaN, 3, float.NaN, 2];
        var values = new float[4];
        var indices = new int[4];
        Kernels.TopK(x, 5, 4, values, indices);
        Assert.Equal([2, 4, 0, -1], indices);
        Assert.Equal([3f, 2, 1, float.NegativeInfinity], values);
    }

    [Fact]
    public void SeveralThreadsMatchOneThread()
    {
        const int rows = 700, cols = 129, k = 5;
        var x = TestData.Uniform(rows * cols, seed: 7);
        var (oneValues, oneIndices, manyValues, manyIndices) = (new float[rows * k], new int[rows * k], new float[rows * k], new int[rows * k]);
        TestData.WithThreads(1, () => Kernels.TopK(x, cols, k, oneValues, oneIndices));
        TestData.WithThreads(2, () => Kernels.TopK(x, cols, k, manyValues, manyIndices));
        Assert.Equal(oneIndices, manyIndices);
        Assert.Equal(oneValues, manyValues);
        Assert.Equal(Reference(x, cols, k).Indices, oneIndices);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.TopK(new float[6], 3, 2, new float[4], new int[3]));
        Assert.Contains("indices holds 3 values but must hold 4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.TopK(new float[6], 3, -1, new float[0], new int[0]));
        Assert.Throws<ArgumentException>(() => Kernels.TopK(new float[7], 3, 1, new float[2], new int[2]));
    }
}
