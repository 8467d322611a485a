namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class LogSoftmaxRowsTests
{
    static double[] Reference(float[] x, int cols)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / cols; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < cols; c++) max = Math.Max(max, x[r * cols + c]);
            for (int c = 0; c < cols; c++) sum += Math.Exp(x[r * cols + c] - max);
            for (int c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] - max - Math.Log(sum);
        }
        return y;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            var x = TestData.WithOutliers(3 * cols, seed: cols, scale: 10);
            var y = new float[x.Length];
            Kernels.LogSoftmaxRows(x, cols, y, level);
            TestData.AssertClose(Reference(x, cols), y, rtol: 1e-5, atol: 1e-5, $"{level}, cols {cols}");
        }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void RowOfHugeNegativesIsMinusLogCols(SimdLevel level)
    {
        var x = new float[33];
        Array.Fill(x, -1e30f);
        Kernels.LogSoftmaxRows(x, 33, x, level);
        Assert.All(x, v => Assert.Equal(-MathF.Log(33), v, 1e-5f));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.LogSoftmaxRows(new float[6], 3, new float[7]));
        Assert.Contains("y holds 7 values but must hold 6", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.LogSoftmaxRows(new float[6], -1, new float[6]));
    }
}
