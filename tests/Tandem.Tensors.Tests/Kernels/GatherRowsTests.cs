namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class GatherRowsTests
{
    [Fact]
    public void CopiesTheIndexedRows()
    {
        foreach (int cols in TestData.OddSizes)
        {
            var table = TestData.Uniform(10 * cols, seed: cols);
            int[] ids = [3, 0, 9, 3, 3, 7];
            var y = new float[ids.Length * cols];
            Kernels.GatherRows(table, cols, ids, y);
            for (int i = 0; i < ids.Length; i++)
                Assert.Equal(table.AsSpan(ids[i] * cols, cols).ToArray(), y.AsSpan(i * cols, cols).ToArray());
        }
    }

    [Fact]
    public void ManyRowsOnSeveralThreadsMatchOneThread()
    {
        const int cols = 65;
        var table = TestData.Uniform(100 * cols, seed: 2);
        var ids = Enumerable.Range(0, 3000).Select(i => i * 7 % 100).ToArray();
        var one = new float[ids.Length * cols];
        var many = new float[ids.Length * cols];
        TestData.WithThreads(1, () => Kernels.GatherRows(table, cols, ids, one));
        TestData.WithThreads(2, () => Kernels.GatherRows(table, cols, ids, many));
        Assert.Equal(one, many);
        Assert.Equal(table.AsSpan(99 * cols, cols).ToArray(), one.AsSpan(1157 * cols, cols).ToArray()); // 1157·7 = 8099 ≡ 99
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var table = new float[4 * 3];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.GatherRows(table, 3, [1, 4], new float[6]));
        Assert.Contains("ids[1] is 4, outside the table's rows 0..3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.GatherRows(table, 3, [-1], new float[3]));
        var length = Assert.Throws<ArgumentException>(() => Kernels.GatherRows(table, 3, [1, 2], new float[5]));
        Assert.Contains("y holds 5 values but must hold 6", length.Message);
    }
}
