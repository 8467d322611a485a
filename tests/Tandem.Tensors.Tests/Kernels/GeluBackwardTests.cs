namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class GeluBackwardTests
{
    /// <summary>d/dx of 0.5·x·(1 + tanh u): 0.5·(1 + tanh u) + 0.5·x·(1 - tanh² u)·u', u' = √(2/π)(1 + 3·0.044715·x²).</summary>
    static double Derivative(double x)
    {
        double c = Math.Sqrt(2 / Math.PI), t = Math.Tanh(c * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int n in TestData.OddSizes.Append(1000))
        {
            var x = TestData.WithOutliers(n, seed: n, scale: 6);
            var dy = TestData.Uniform(n, seed: n + 1, scale: 3);
            var dx = new float[n];
            Kernels.GeluBackward(x, dy, dx, level);
            TestData.AssertClose(x.Select((v, i) => dy[i] * Derivative(v)).ToArray(), dx, rtol: 1e-5, atol: 1e-5, $"{level}, n {n}");
        }
    }

    [Fact]
    public void DerivativeMatchesFiniteDifferences()
    {
        foreach (double x in new[] { -4.0, -1.3, -0.5, 0.0, 0.7, 2.5 })
        {
            const double h = 1e-6;
            double numeric = (GeluTests.Reference(x + h) - GeluTests.Reference(x - h)) / (2 * h);
            var dx = new float[1];
            Kernels.GeluBackward([(float)x], [1f], dx);
            Assert.Equal(numeric, dx[0], 1e-5);
        }
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.GeluBackward(new float[4], new float[3], new float[4]));
        Assert.Contains("dy holds 3 values but must hold 4", e.Message);
    }
}
