using Tandem.Retrieval.Kernels;
using Tandem.Tensors;

namespace Tandem.Retrieval.Tests.Kernels;

public class DistanceTests
{
    // Odd sizes hit every remainder of the 32-, 16- and 8-wide loops.
    public static TheoryData<int> Lengths => new() { 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257 };

    [Theory, MemberData(nameof(Lengths))]
    public void EveryDotPathMatchesScalar(int length)
    {
        var a = TestData.Uniform(length, 1);
        var b = TestData.Uniform(length, 2);
        float reference = Distance.Dot(a, b, SimdLevel.Scalar);
        double exact = 0;
        for (int i = 0; i < length; i++) exact += (double)a[i] * b[i];
        Assert.Equal(exact, reference, 1e-4 * Math.Sqrt(length));
        foreach (var level in Simd.Supported)
            Assert.Equal(reference, Distance.Dot(a, b, level), 1e-4f * MathF.Sqrt(length));
    }

    [Theory, MemberData(nameof(Lengths))]
    public void EverySquaredL2PathMatchesScalar(int length)
    {
        var a = TestData.Uniform(length, 3);
        var b = TestData.Uniform(length, 4);
        float reference = Distance.SquaredL2(a, b, SimdLevel.Scalar);
        double exact = 0;
        for (int i = 0; i < length; i++) exact += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        Assert.Equal(exact, reference, 1e-4 * length);
        foreach (var level in Simd.Supported)
            Assert.Equal(reference, Distance.SquaredL2(a, b, level), 1e-4f * length);
    }

    [Fact]
    public void HandComputedValues()
    {
        // (1,2,3)·(4,-5,6) = 4 - 10 + 18 = 12; ‖(1,2,3)-(4,-5,6)‖² = 9 + 49 + 9 = 67.
        foreach (var level in Simd.Supported)
        {
            Assert.Equal(12f, Distance.Dot([1, 2, 3], [4, -5, 6], level));
            Assert.Equal(67f, Distance.SquaredL2([1, 2, 3], [4, -5, 6], level));
        }
    }

    [Fact]
    public void MismatchedLengthsAreAnError() =>
        Assert.Throws<ArgumentException>(() => Distance.Dot([1, 2], [1, 2, 3]));

    [Fact]
    public void EveryLevelBelowTheBestRunsHere()
    {
        // Vector128 (SSE or AdvSIMD) is on every x64 and ARM64 machine, so its paths are tested there even on AVX-512 hardware.
        if (System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated) Assert.Contains(SimdLevel.Vector128, Simd.Supported);
        Assert.Equal(Enum.GetValues<SimdLevel>().Where(l => l <= Simd.Best), Simd.Supported);
    }
}

public class TransposedDotTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(64, 17)]
    [InlineData(100, 64)]
    [InlineData(131, 33)]
    public unsafe void EveryPathMatchesScalar(int count, int d)
    {
        var rows = TestData.Uniform(count * d, 91);
        var query = TestData.Uniform(d, 92);
        var columns = Tandem.Retrieval.Kernels.TransposedDot.Transpose(rows, count, d, out int stride);
        var reference = new float[count];
        fixed (float* q = query, c = columns, r = reference)
            Tandem.Retrieval.Kernels.TransposedDot.Compute(q, c, d, stride, count, r, SimdLevel.Scalar);
        for (int j = 0; j < count; j++)
            Assert.Equal(Distance.Dot(query, rows.AsSpan(j * d, d), SimdLevel.Scalar), reference[j], 1e-4f * MathF.Sqrt(d));
        foreach (var level in Simd.Supported)
        {
            var result = new float[count];
            fixed (float* q = query, c = columns, r = result)
                Tandem.Retrieval.Kernels.TransposedDot.Compute(q, c, d, stride, count, r, level);
            for (int j = 0; j < count; j++) Assert.Equal(reference[j], result[j], 1e-4f * MathF.Sqrt(d));
        }
    }
}
