namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class ReluTests
{
    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesReference(SimdLevel level)
    {
        foreach (int n in TestData.OddSizes.Append(1000))
        {
            var x = TestData.WithOutliers(n, seed: n);
            var y = new float[n];
            Kernels.Relu(x, y, level);
            TestData.AssertClose(x.Select(v => v > 0 ? (double)v : 0).ToArray(), y, rtol: 0, atol: 0, $"{level}, n {n}");
        }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void NaNAndNegativeZeroGiveZero(SimdLevel level)
    {
        float[] x = [float.NaN, -0f, float.NegativeInfinity, float.PositiveInfinity, -1, 2, 0, 3, float.NaN];
        Kernels.Relu(x, x, level); // in place
        Assert.Equal([0f, 0, 0, float.PositiveInfinity, 0, 2, 0, 3, 0], x);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.Relu(new float[4], new float[3]));
        Assert.Contains("y holds 3 values but must hold 4", e.Message);
    }
}
