namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class GeluTests
{
    /// <summary>The tanh approximation exactly as published: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    internal static double Reference(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int n in TestData.OddSizes.Append(1000))
        {
            var x = TestData.WithOutliers(n, seed: n, scale: 6);
            var y = new float[n];
            Kernels.Gelu(x, y, level);
            TestData.AssertClose(x.Select(v => Reference(v)).ToArray(), y, rtol: 1e-5, atol: 1e-6, $"{level}, n {n}");
        }
    }

    [Fact]
    public void KnownValues()
    {
        float[] x = [0, 1, -1, 30, -30];
        var y = new float[5];
        Kernels.Gelu(x, y);
        // 0.5·1·(1 + tanh(0.7978846·1.044715)) = 0.5·(1 + tanh(0.8335)) = 0.8411920
        Assert.Equal([0f, 0.841192f, -0.158808f, 30, 0], y.Select(v => MathF.Round(v, 6)).ToArray());
    }

    [Fact]
    public void SeveralThreadsMatchOneThreadBitForBit()
    {
        var x = TestData.Uniform(100_003, seed: 9, scale: 5);
        var one = new float[x.Length];
        var many = new float[x.Length];
        TestData.WithThreads(1, () => Kernels.Gelu(x, one));
        TestData.WithThreads(2, () => Kernels.Gelu(x, many));
        Assert.Equal(one, many);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.Gelu(new float[4], new float[5]));
        Assert.Contains("y holds 5 values but must hold 4", e.Message);
    }
}
