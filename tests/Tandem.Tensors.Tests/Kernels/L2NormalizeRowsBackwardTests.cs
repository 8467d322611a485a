namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class L2NormalizeRowsBackwardTests
{
    /// <summary>Σ w·x/max(‖x‖, eps) over rows, in double.</summary>
    static double Loss(double[] x, float[] w, int cols, double eps)
    {
        double loss = 0;
        for (int r = 0; r < x.Length / cols; r++)
        {
            double norm = 0;
            for (int c = 0; c < cols; c++) norm += x[r * cols + c] * x[r * cols + c];
            norm = Math.Max(Math.Sqrt(norm), eps);
            for (int c = 0; c < cols; c++) loss += w[r * cols + c] * x[r * cols + c] / norm;
        }
        return loss;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesFiniteDifferences(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
            foreach (float eps in new[] { 1e-12f, 2f }) // eps 2 clamps some short rows
            {
                var x = TestData.Uniform(3 * cols, seed: cols);
                var dy = TestData.Uniform(3 * cols, seed: cols + 1);
                var y = new float[x.Length];
                var norms = new float[3];
                var dx = new float[x.Length];
                Kernels.L2NormalizeRows(x, cols, y, norms, eps, level);
                Kernels.L2NormalizeRowsBackward(y, cols, norms, dy, dx, eps, level);
                var numeric = TestData.NumericGradient(p => Loss(p, dy, cols, eps), x);
                TestData.AssertClose(numeric, dx, rtol: 1e-3, atol: 1e-4, $"{level}, cols {cols}, eps {eps}");
            }
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.L2NormalizeRowsBackward(new float[6], 3, new float[1], new float[6], new float[6]));
        Assert.Contains("norms holds 1 values but must hold 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.L2NormalizeRowsBackward(new float[6], 3, new float[2], new float[6], new float[6], -1));
    }
}
