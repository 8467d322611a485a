namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class AddBiasTests
{
    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            var x = TestData.WithOutliers(5 * cols, seed: cols);
            var bias = TestData.Uniform(cols, seed: cols + 1);
            var expected = x.Select((v, i) => (double)v + bias[i % cols]).ToArray();
            var y = new float[x.Length];
            Kernels.AddBias(x, bias, y, level);
            TestData.AssertClose(expected, y, rtol: 1e-6, atol: 1e-7, $"{level}, cols {cols}");
        }
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.AddBias(new float[6], new float[3], new float[3]));
        Assert.Contains("y holds 3 values but must hold 6", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.AddBias(new float[7], new float[3], new float[7]));
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.AddBias(new float[6], [], new float[6]));
        Assert.Contains("bias.Length is 0", empty.Message);
    }
}
