namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class ScatterAddRowsTests
{
    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void RepeatedIdsAccumulate(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            var table = TestData.Uniform(6 * cols, seed: cols);
            var dy = TestData.WithOutliers(7 * cols, seed: cols + 100);
            int[] ids = [2, 5, 2, 0, 2, 5, 1];
            var expected = table.Select(v => (double)v).ToArray();
            for (int i = 0; i < ids.Length; i++)
                for (int c = 0; c < cols; c++) expected[ids[i] * cols + c] += dy[i * cols + c];
            Kernels.ScatterAddRows(dy, cols, ids, table, level);
            TestData.AssertClose(expected, table, rtol: 1e-6, atol: 1e-4, $"{level}, cols {cols}");
        }
    }

    [Fact]
    public void SeveralThreadsMatchOneThreadBitForBit()
    {
        const int cols = 33;
        var dy = TestData.Uniform(4000 * cols, seed: 3);
        var ids = Enumerable.Range(0, 4000).Select(i => i * 13 % 50).ToArray();
        var one = TestData.Uniform(50 * cols, seed: 4);
        var many = (float[])one.Clone();
        TestData.WithThreads(1, () => Kernels.ScatterAddRows(dy, cols, ids, one));
        TestData.WithThreads(2, () => Kernels.ScatterAddRows(dy, cols, ids, many));
        Assert.Equal(one, many);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var table = new float[4 * 3];
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.ScatterAddRows(new float[3], 3, [4], table));
        var e = Assert.Throws<ArgumentException>(() => Kernels.ScatterAddRows(new float[4], 3, [1], table));
        Assert.Contains("dy holds 4 values but must hold 3", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.ScatterAddRows(new float[3], 3, [1], new float[11]));
    }
}
