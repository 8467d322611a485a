namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

/// <summary>SumRows, MeanRows and MaxRows share one validating entry, so they share these tests.</summary>
public class ReduceRowsTests
{
    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchDoubleReferences(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
        {
            const int rows = 4;
            var x = TestData.WithOutliers(rows * cols, seed: cols);
            double[] Per(Func<IEnumerable<double>, double> f) =>
                Enumerable.Range(0, rows).Select(r => f(x.Skip(r * cols).Take(cols).Select(v => (double)v))).ToArray();
            var result = new float[rows];
            Kernels.SumRows(x, cols, result, level);
            TestData.AssertClose(Per(Enumerable.Sum), result, rtol: 1e-5, atol: 1e-3, $"sum, {level}, cols {cols}");
            Kernels.MeanRows(x, cols, result, level);
            TestData.AssertClose(Per(Enumerable.Average), result, rtol: 1e-5, atol: 1e-4, $"mean, {level}, cols {cols}");
            Kernels.MaxRows(x, cols, result, level);
            TestData.AssertClose(Per(Enumerable.Max), result, rtol: 0, atol: 0, $"max, {level}, cols {cols}");
        }
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MaxOfNegativeInfinitiesIsNegativeInfinity(SimdLevel level)
    {
        var x = Enumerable.Repeat(float.NegativeInfinity, 33).ToArray();
        var result = new float[1];
        Kernels.MaxRows(x, 33, result, level);
        Assert.Equal(float.NegativeInfinity, result[0]);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.SumRows(new float[6], 3, new float[3]));
        Assert.Contains("result holds 3 values but must hold 2", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.MeanRows(new float[7], 3, new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MaxRows(new float[6], 0, new float[2]));
    }
}
