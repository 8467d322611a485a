namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class LogSoftmaxRowsBackwardTests
{
    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesFiniteDifferences(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            var x = TestData.Uniform(2 * cols, seed: cols, scale: 3);
            var dy = TestData.Uniform(2 * cols, seed: cols + 1);
            var y = new float[x.Length];
            var dx = new float[x.Length];
            Kernels.LogSoftmaxRows(x, cols, y, level);
            Kernels.LogSoftmaxRowsBackward(y, cols, dy, dx, level);
            var numeric = TestData.NumericGradient(p => SoftmaxRowsBackwardTests.Loss(p, dy, cols, log: true), x);
            TestData.AssertClose(numeric, dx, rtol: 1e-3, atol: 1e-5, $"{level}, cols {cols}");
        }
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.LogSoftmaxRowsBackward(new float[6], 3, new float[6], new float[4]));
        Assert.Contains("dx holds 4 values but must hold 6", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.LogSoftmaxRowsBackward(new float[6], 0, new float[6], new float[6]));
    }
}
