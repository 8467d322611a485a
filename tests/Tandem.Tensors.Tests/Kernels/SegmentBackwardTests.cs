namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class SegmentBackwardTests
{
    // Row 0 and rows 11..12 are in no bag; bags 1 and 3 are empty.
    static readonly int[] Offsets = [1, 4, 4, 5, 5, 11];
    const int Rows = 13;

    [Theory, MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void SpreadsBagGradientsOverTheirRows(SimdLevel level)
    {
        foreach (int cols in TestData.OddSizes)
            foreach (bool mean in new[] { false, true })
            {
                var dy = TestData.Uniform((Offsets.Length - 1) * cols, seed: cols);
                var dx = new float[Rows * cols];
                Array.Fill(dx, float.NaN); // every row must be written
                Kernels.SegmentBackward(dy, cols, Offsets, dx, mean, level);
                var expected = new double[dx.Length];
                for (int b = 0; b + 1 < Offsets.Length; b++)
                    for (int r = Offsets[b]; r < Offsets[b + 1]; r++)
                        for (int c = 0; c < cols; c++)
                            expected[r * cols + c] = dy[b * cols + c] / (mean ? Offsets[b + 1] - Offsets[b] : 1.0);
                TestData.AssertClose(expected, dx, rtol: 1e-6, atol: 0, $"{level}, cols {cols}, mean {mean}");
            }
    }

    [Fact]
    public void PublicEntriesMatchTheForwardsGradient()
    {
        float[] dy = [3, 6]; // one bag of three rows, one column
        var dx = new float[3];
        Kernels.SegmentSumBackward(dy[..1], 1, [0, 3], dx);
        Assert.Equal([3f, 3, 3], dx);
        Kernels.SegmentMeanBackward(dy[1..], 1, [0, 3], dx);
        Assert.Equal([2f, 2, 2], dx); // 6 / 3
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.SegmentSumBackward(new float[2], 1, [0, 2, 1], new float[3]));
        Assert.Contains("offsets[2] is 1", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.SegmentMeanBackward(new float[3], 1, [0, 2, 3], new float[3]));
    }
}
