namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class EmbeddingBagRowsTests
{
    // Bags of 3, 0 (empty), 1 and 4 ids over a 6-row table, with repeats within and across bags.
    static readonly int[] Ids = [2, 5, 2, 0, 2, 5, 1, 4];
    static readonly int[] Offsets = [0, 3, 3, 4, 8];

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void PoolingMatchesADoublePrecisionReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
            foreach (bool mean in new[] { false, true })
            {
                var table = TestData.WithOutliers(6 * cols, seed: cols);
                var y = TestData.Uniform(4 * cols, seed: 7); // overwritten, empty bag included
                Kernels.EmbeddingBag(table, cols, Ids, Offsets, mean, y, level);
                var expected = new double[4 * cols];
                for (int b = 0; b < 4; b++)
                {
                    int n = Offsets[b + 1] - Offsets[b];
                    for (int j = Offsets[b]; j < Offsets[b + 1]; j++)
                        for (int c = 0; c < cols; c++) expected[b * cols + c] += table[Ids[j] * cols + c] / (mean ? (double)n : 1);
                }
                TestData.AssertClose(expected, y, rtol: 1e-5, atol: 1e-5, $"{level}, cols {cols}, mean {mean}");
            }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void GradientAddsEachBagsScaledRowToItsIds(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
            foreach (bool mean in new[] { false, true })
            {
                var grad = TestData.Uniform(6 * cols, seed: cols + 1);
                var dy = TestData.WithOutliers(4 * cols, seed: cols + 2);
                var expected = grad.Select(v => (double)v).ToArray();
                for (int b = 0; b < 4; b++)
                {
                    int n = Offsets[b + 1] - Offsets[b];
                    for (int j = Offsets[b]; j < Offsets[b + 1]; j++)
                        for (int c = 0; c < cols; c++) expected[Ids[j] * cols + c] += dy[b * cols + c] / (mean ? (double)n : 1);
                }
                Kernels.EmbeddingBagBackward(dy, cols, Offsets, Ids, mean, grad, level);
                TestData.AssertClose(expected, grad, rtol: 1e-5, atol: 1e-4, $"{level}, cols {cols}, mean {mean}");
            }
    }

    [Fact]
    public void SeveralThreadsMatchOneThreadBitForBit()
    {
        const int cols = 64, bags = 1024, length = 50, rows = 900;
        var random = new Random(5);
        var ids = Enumerable.Range(0, bags * length).Select(_ => random.Next(rows)).ToArray();
        var offsets = Enumerable.Range(0, bags + 1).Select(b => b * length).ToArray();
        var table = TestData.Uniform(rows * cols, seed: 8);
        var dy = TestData.Uniform(bags * cols, seed: 9);
        float[] yOne = new float[bags * cols], yTwo = new float[bags * cols];
        float[] gOne = TestData.Uniform(rows * cols, seed: 10), gTwo = (float[])gOne.Clone();
        TestData.WithThreads(1, () =>
        {
            Kernels.EmbeddingBag(table, cols, ids, offsets, mean: true, yOne);
            Kernels.EmbeddingBagBackward(dy, cols, offsets, ids, mean: true, gOne);
        });
        TestData.WithThreads(2, () =>
        {
            Kernels.EmbeddingBag(table, cols, ids, offsets, mean: true, yTwo);
            Kernels.EmbeddingBagBackward(dy, cols, offsets, ids, mean: true, gTwo);
        });
        Assert.Equal(yOne, yTwo);
        Assert.Equal(gOne, gTwo);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var table = new float[4 * 3];
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.EmbeddingBag(table, 3, [4], [0, 1], false, new float[3]));
        var e = Assert.Throws<ArgumentException>(() => Kernels.EmbeddingBag(table, 3, [1], [0, 1], false, new float[4]));
        Assert.Contains("y holds 4 values", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.EmbeddingBagBackward(new float[3], 3, [0, 2], [1], false, table));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.EmbeddingBagBackward(new float[3], 3, [0, 1], [7], false, table));
    }
}
