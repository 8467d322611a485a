namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class L2NormalizeRowsTests
{
    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            const int rows = 3;
            var x = TestData.WithOutliers(rows * cols, seed: cols);
            var y = new float[x.Length];
            var norms = new float[rows];
            Kernels.L2NormalizeRows(x, cols, y, norms, 1e-12f, level);
            var expectedNorms = new double[rows];
            var expected = new double[x.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++) expectedNorms[r] += (double)x[r * cols + c] * x[r * cols + c];
                expectedNorms[r] = Math.Sqrt(expectedNorms[r]);
                for (int c = 0; c < cols; c++) expected[r * cols + c] = x[r * cols + c] / expectedNorms[r];
            }
            TestData.AssertClose(expectedNorms, norms, rtol: 1e-5, atol: 0, $"{level}, cols {cols}, norms");
            TestData.AssertClose(expected, y, rtol: 1e-5, atol: 1e-7, $"{level}, cols {cols}");
        }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void ZeroRowStaysZero(SimdLevel level)
    {
        var x = new float[2 * 17];
        x[17] = 3; x[18] = 4; // second row has norm 5
        var norms = new float[2];
        Kernels.L2NormalizeRows(x, 17, x, norms, 1e-12f, level);
        Assert.All(x[..17], v => Assert.Equal(0f, v));
        Assert.Equal([0f, 5], norms);
        Assert.Equal(0.6f, x[17], 1e-7f);
        Assert.Equal(0.8f, x[18], 1e-7f);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.L2NormalizeRows(new float[6], 3, new float[6], new float[3]));
        Assert.Contains("norms holds 3 values but must hold 2", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.L2NormalizeRows(new float[6], 3, new float[5], new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.L2NormalizeRows(new float[6], 3, new float[6], new float[2], eps: 0));
    }
}
