namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class SoftmaxRowsTests
{
    static double[] Reference(float[] x, int cols)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / cols; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < cols; c++) max = Math.Max(max, x[r * cols + c]);
            for (int c = 0; c < cols; c++) sum += Math.Exp(x[r * cols + c] - max);
            for (int c = 0; c < cols; c++) y[r * cols + c] = Math.Exp(x[r * cols + c] - max) / sum;
        }
        return y;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            // Logits up to ±1e4 would overflow exp without the max shift.
            var x = TestData.WithOutliers(3 * cols, seed: cols, scale: 10);
            var y = new float[x.Length];
            Kernels.SoftmaxRows(x, cols, y, level);
            TestData.AssertClose(Reference(x, cols), y, rtol: 2e-5, atol: 1e-7, $"{level}, cols {cols}");
        }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void RowOfHugeNegativesIsUniform(SimdLevel level)
    {
        var x = new float[2 * 17];
        Array.Fill(x, -1e30f, 0, 17);
        TestData.Uniform(17, seed: 1).CopyTo(x, 17);
        Kernels.SoftmaxRows(x, 17, x, level); // in place
        Assert.All(x[..17], v => Assert.Equal(1f / 17, v, 1e-7f));
        Assert.Equal(1.0, x[17..].Sum(v => (double)v), 1e-6);
    }

    [Fact]
    public void SeveralThreadsMatchOneThreadBitForBit()
    {
        var x = TestData.WithOutliers(1500 * 65, seed: 6);
        var one = new float[x.Length];
        var many = new float[x.Length];
        TestData.WithThreads(1, () => Kernels.SoftmaxRows(x, 65, one));
        TestData.WithThreads(2, () => Kernels.SoftmaxRows(x, 65, many));
        Assert.Equal(one, many);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var x = new float[6];
        var e = Assert.Throws<ArgumentException>(() => Kernels.SoftmaxRows(x, 3, new float[5]));
        Assert.Contains("y holds 5 values but must hold 6", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.SoftmaxRows(x, 4, new float[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.SoftmaxRows(x, 0, new float[6]));
    }
}
