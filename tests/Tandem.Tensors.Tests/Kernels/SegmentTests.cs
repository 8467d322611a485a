namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

/// <summary>SegmentSum and SegmentMean share one operator, so they share these tests.</summary>
public class SegmentTests
{
    // Bags 0, 2 and 5 are empty; the last bag stops before the last row, which no bag uses.
    static readonly int[] Offsets = [0, 0, 3, 3, 4, 9, 9, 12];
    const int Rows = 13;

    static double[] Reference(float[] x, int cols, bool mean)
    {
        var y = new double[(Offsets.Length - 1) * cols];
        for (int b = 0; b + 1 < Offsets.Length; b++)
        {
            int count = Offsets[b + 1] - Offsets[b];
            for (int r = Offsets[b]; r < Offsets[b + 1]; r++)
                for (int c = 0; c < cols; c++) y[b * cols + c] += x[r * cols + c] / (mean ? count : 1.0);
        }
        return y;
    }

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MatchesDoubleReference(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
            foreach (bool mean in new[] { false, true })
            {
                var x = TestData.WithOutliers(Rows * cols, seed: cols);
                var y = new float[(Offsets.Length - 1) * cols];
                Array.Fill(y, float.NaN); // empty bags must overwrite, not skip
                Kernels.Segment(x, cols, Offsets, y, mean, level);
                TestData.AssertClose(Reference(x, cols, mean), y, rtol: 1e-5, atol: 1e-4, $"{level}, cols {cols}, mean {mean}");
            }
    }

    [Fact]
    public void PublicEntriesSumAndAverage()
    {
        float[] x = [1, 2, 3, 4, 5, 6]; // three rows of two
        var sum = new float[4];
        var mean = new float[4];
        Kernels.SegmentSum(x, 2, [0, 0, 3], sum);
        Kernels.SegmentMean(x, 2, [0, 0, 3], mean);
        Assert.Equal([0f, 0, 9, 12], sum);  // 1+3+5, 2+4+6
        Assert.Equal([0f, 0, 3, 4], mean);  // 9/3, 12/3
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var x = new float[4 * 2];
        var e = Assert.Throws<ArgumentException>(() => Kernels.SegmentSum(x, 2, [0, 3, 2], new float[4]));
        Assert.Contains("offsets[2] is 2", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.SegmentSum(x, 2, [0, 5], new float[2]));
        Assert.Throws<ArgumentException>(() => Kernels.SegmentSum(x, 2, [-1, 2], new float[2]));
        Assert.Throws<ArgumentException>(() => Kernels.SegmentMean(x, 2, [], new float[0]));
        var length = Assert.Throws<ArgumentException>(() => Kernels.SegmentMean(x, 2, [0, 2, 4], new float[3]));
        Assert.Contains("y holds 3 values but must hold 4", length.Message);
    }
}
