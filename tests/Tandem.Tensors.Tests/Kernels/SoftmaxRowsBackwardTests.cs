namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class SoftmaxRowsBackwardTests
{
    /// <summary>Σ w·softmax(x) over rows, in double.</summary>
    internal static double Loss(double[] x, float[] w, int cols, bool log)
    {
        double loss = 0;
        for (int r = 0; r < x.Length / cols; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in row) max = Math.Max(max, v);
            foreach (double v in row) sum += Math.Exp(v - max);
            for (int c = 0; c < cols; c++)
                loss += w[r * cols + c] * (log ? row[c] - max - Math.Log(sum) : Math.Exp(row[c] - max) / sum);
        }
        return loss;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesFiniteDifferences(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            var x = TestData.Uniform(2 * cols, seed: cols, scale: 3);
            var dy = TestData.Uniform(2 * cols, seed: cols + 1);
            var y = new float[x.Length];
            var dx = new float[x.Length];
            Kernels.SoftmaxRows(x, cols, y, level);
            Kernels.SoftmaxRowsBackward(y, cols, dy, dx, level);
            var numeric = TestData.NumericGradient(p => Loss(p, dy, cols, log: false), x);
            TestData.AssertClose(numeric, dx, rtol: 1e-3, atol: 1e-5, $"{level}, cols {cols}");
        }
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.SoftmaxRowsBackward(new float[6], 3, new float[5], new float[6]));
        Assert.Contains("dy holds 5 values but must hold 6", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.SoftmaxRowsBackward(new float[6], 3, new float[6], new float[7]));
    }
}
