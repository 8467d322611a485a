namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class SumColumnsTests
{
    static double[] Reference(float[] x, int cols)
    {
        var sums = new double[cols];
        for (int i = 0; i < x.Length; i++) sums[i % cols] += x[i];
        return sums;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
            foreach (int rows in new[] { 0, 1, 5, 1000 }) // 1000 rows of 65+ columns take the blocked path
            {
                var x = TestData.Uniform(rows * cols, seed: cols + rows);
                var sums = new float[cols];
                Array.Fill(sums, float.NaN); // must overwrite
                Kernels.SumColumns(x, cols, sums, level);
                TestData.AssertClose(Reference(x, cols), sums, rtol: 1e-5, atol: 1e-4, $"{level}, {rows}x{cols}");
            }
    }

    [Fact]
    public void SeveralThreadsMatchOneThreadBitForBit()
    {
        const int cols = 31;
        var x = TestData.Uniform(5000 * cols, seed: 5);
        var one = new float[cols];
        var many = new float[cols];
        TestData.WithThreads(1, () => Kernels.SumColumns(x, cols, one));
        TestData.WithThreads(2, () => Kernels.SumColumns(x, cols, many));
        Assert.Equal(one, many);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.SumColumns(new float[6], 3, new float[2]));
        Assert.Contains("sums holds 2 values but must hold 3", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.SumColumns(new float[7], 3, new float[3]));
    }
}
