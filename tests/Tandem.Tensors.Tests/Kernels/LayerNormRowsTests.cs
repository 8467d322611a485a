namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class LayerNormRowsTests
{
    const float Eps = 1e-5f;

    /// <summary>Plain double layer norm of one row; returns y and fills mean and rstd.</summary>
    static double[] Forward(ReadOnlySpan<double> x, float[] gamma, float[] beta, out double mean, out double rstd)
    {
        int n = x.Length;
        mean = 0;
        foreach (double v in x) mean += v / n;
        double variance = 0;
        foreach (double v in x) variance += (v - mean) * (v - mean) / n;
        rstd = 1 / Math.Sqrt(variance + Eps);
        var y = new double[n];
        for (int c = 0; c < n; c++) y[c] = (x[c] - mean) * rstd * gamma[c] + beta[c];
        return y;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void ForwardMatchesDoubleReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            const int rows = 3;
            var x = TestData.WithOutliers(rows * cols, seed: cols, scale: 3);
            var gamma = TestData.Uniform(cols, seed: cols + 1, scale: 2);
            var beta = TestData.Uniform(cols, seed: cols + 2);
            var y = new float[x.Length];
            var mean = new float[rows];
            var rstd = new float[rows];
            Kernels.LayerNormRows(x, cols, gamma, beta, y, mean, rstd, Eps, level);
            var expected = new double[x.Length];
            var expectedMean = new double[rows];
            var expectedRstd = new double[rows];
            for (int r = 0; r < rows; r++)
                Forward(x.Skip(r * cols).Take(cols).Select(v => (double)v).ToArray(), gamma, beta, out expectedMean[r], out expectedRstd[r])
                    .CopyTo(expected, r * cols);
            TestData.AssertClose(expectedMean, mean, rtol: 1e-5, atol: 1e-5, $"{level}, cols {cols}, mean");
            TestData.AssertClose(expectedRstd, rstd, rtol: 1e-4, atol: 0, $"{level}, cols {cols}, rstd");
            TestData.AssertClose(expected, y, rtol: 1e-4, atol: 1e-4, $"{level}, cols {cols}");
        }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void BackwardMatchesFiniteDifferences(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            const int rows = 3;
            var x = TestData.Uniform(rows * cols, seed: cols, scale: 3);
            var gamma = TestData.Uniform(cols, seed: cols + 1, scale: 2);
            var beta = TestData.Uniform(cols, seed: cols + 2);
            var dy = TestData.Uniform(rows * cols, seed: cols + 3);
            var y = new float[x.Length];
            var mean = new float[rows];
            var rstd = new float[rows];
            Kernels.LayerNormRows(x, cols, gamma, beta, y, mean, rstd, Eps, level);
            var dx = new float[x.Length];
            var dgamma = new float[cols];
            var dbeta = new float[cols];
            Kernels.LayerNormRowsBackward(x, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta, level);

            // The loss Σ dy·y in double; central differences of it give dx, dgamma and dbeta.
            double Loss(double[] xs, float[] g, float[] b)
            {
                double loss = 0;
                for (int r = 0; r < rows; r++)
                {
                    var yr = Forward(xs.AsSpan(r * cols, cols), g, b, out _, out _);
                    for (int c = 0; c < cols; c++) loss += dy[r * cols + c] * yr[c];
                }
                return loss;
            }
            const double h = 1e-4;
            var xd = x.Select(v => (double)v).ToArray();
            var numericDx = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                double saved = xd[i];
                xd[i] = saved + h; double up = Loss(xd, gamma, beta);
                xd[i] = saved - h; double down = Loss(xd, gamma, beta);
                xd[i] = saved;
                numericDx[i] = (up - down) / (2 * h);
            }
            // y is linear in gamma and beta, so differences of size 1 in float are exact enough in double.
            var numericDgamma = new double[cols];
            var numericDbeta = new double[cols];
            for (int c = 0; c < cols; c++)
            {
                var g = (float[])gamma.Clone(); g[c] += 1;
                numericDgamma[c] = Loss(xd, g, beta) - Loss(xd, gamma, beta);
                var b = (float[])beta.Clone(); b[c] += 1;
                numericDbeta[c] = Loss(xd, gamma, b) - Loss(xd, gamma, beta);
            }
            TestData.AssertClose(numericDx, dx, rtol: 1e-3, atol: 1e-4, $"{level}, cols {cols}, dx");
            TestData.AssertClose(numericDgamma, dgamma, rtol: 1e-4, atol: 1e-4, $"{level}, cols {cols}, dgamma");
            TestData.AssertClose(numericDbeta, dbeta, rtol: 1e-4, atol: 1e-4, $"{level}, cols {cols}, dbeta");
        }
    }

    [Fact]
    public void BackwardOnSeveralThreadsMatchesOneThreadBitForBit()
    {
        const int rows = 2000, cols = 63;
        var x = TestData.Uniform(rows * cols, seed: 11);
        var gamma = TestData.Uniform(cols, seed: 12);
        var dy = TestData.Uniform(rows * cols, seed: 13);
        var mean = new float[rows];
        var rstd = new float[rows];
        Kernels.LayerNormRows(x, cols, gamma, new float[cols], new float[x.Length], mean, rstd);
        float[] Run(int threads)
        {
            var dx = new float[x.Length];
            var dgamma = new float[cols];
            var dbeta = new float[cols];
            TestData.WithThreads(threads, () => Kernels.LayerNormRowsBackward(x, cols, gamma, mean, rstd, dy, dx, dgamma, dbeta));
            return [.. dx, .. dgamma, .. dbeta];
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var x = new float[6];
        var e = Assert.Throws<ArgumentException>(() => Kernels.LayerNormRows(x, 3, new float[2], new float[3], new float[6], new float[2], new float[2]));
        Assert.Contains("gamma holds 2 values but must hold 3", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.LayerNormRows(x, 3, new float[3], new float[3], new float[6], new float[2], new float[1]));
        var b = Assert.Throws<ArgumentException>(() => Kernels.LayerNormRowsBackward(x, 3, new float[3], new float[2], new float[2], new float[6], new float[6], new float[3], new float[4]));
        Assert.Contains("dbeta holds 4 values", b.Message);
    }
}
