namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class ReluBackwardTests
{
    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void PassesGradientWherePositive(SimdLevel level)
    {
        foreach (int n in TestData.OddSizes.Append(1000))
        {
            var x = TestData.Uniform(n, seed: n);
            var dy = TestData.WithOutliers(n, seed: n + 1);
            var dx = new float[n];
            Kernels.ReluBackward(x, dy, dx, level);
            var expected = x.Select((v, i) => v > 0 ? (double)dy[i] : 0).ToArray();
            TestData.AssertClose(expected, dx, rtol: 0, atol: 0, $"{level}, n {n}");
        }
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.ReluBackward(new float[4], new float[5], new float[4]));
        Assert.Contains("dy holds 5 values but must hold 4", e.Message);
        var d = Assert.Throws<ArgumentException>(() => Kernels.ReluBackward(new float[4], new float[4], new float[3]));
        Assert.Contains("dx holds 3 values", d.Message);
    }
}
