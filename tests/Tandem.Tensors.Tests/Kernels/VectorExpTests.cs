using System.Runtime.Intrinsics;
using Tandem.Tensors.Kernels;

namespace Tandem.Tensors.Tests.Kernels;

public class VectorExpTests
{
    /// <summary>Applies both widths to the same inputs, padding with zeros (Vector512 runs, emulated, even without AVX-512).</summary>
    static (float[] Avx2, float[] Avx512) Both(float[] x)
    {
        int n = (x.Length + 15) / 16 * 16;
        var padded = new float[n];
        x.CopyTo(padded, 0);
        var a = new float[n];
        var b = new float[n];
        for (int i = 0; i < n; i += 8) VectorExp.Exp(Vector256.Create(padded.AsSpan(i, 8))).CopyTo(a.AsSpan(i, 8));
        for (int i = 0; i < n; i += 16) VectorExp.Exp(Vector512.Create(padded.AsSpan(i, 16))).CopyTo(b.AsSpan(i, 16));
        return (a[..x.Length], b[..x.Length]);
    }

    [Fact]
    public void WithinTwoUlpsAcrossTheFloatRange()
    {
        // Every 1/1000 from -86.9 to 88.7; below about -86.99 (2^-125.5) results flush to zero.
        var x = Enumerable.Range(-86_900, 175_600).Select(i => i / 1000f).ToArray();
        var (avx2, avx512) = Both(x);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Exp(x[i]);
            // 2.4e-7 relative is two float ulps at worst (one ulp is at most 2^-23 ≈ 1.2e-7 relative).
            if (!(Math.Abs(avx2[i] - expected) <= 2.4e-7 * expected)) Assert.Fail($"AVX2 exp({x[i]:R}) = {avx2[i]:R}, expected {expected:R}");
            if (!(Math.Abs(avx512[i] - expected) <= 2.4e-7 * expected)) Assert.Fail($"AVX-512 exp({x[i]:R}) = {avx512[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void SpecialValues()
    {
        float[] x = [0, float.NegativeInfinity, float.PositiveInfinity, float.NaN, -100, 100, 88.8f, -1e30f, 1e30f, 1];
        var (avx2, avx512) = Both(x);
        foreach (var y in new[] { avx2, avx512 })
        {
            Assert.Equal(1f, y[0]);
            Assert.Equal(0f, y[1]);
            Assert.Equal(float.PositiveInfinity, y[2]);
            Assert.True(float.IsNaN(y[3]));
            Assert.Equal(0f, y[4]);  // e^-100 ≈ 3.7e-44, below the normal range
            Assert.Equal(float.PositiveInfinity, y[5]);
            Assert.Equal(float.PositiveInfinity, y[6]);
            Assert.Equal(0f, y[7]);
            Assert.Equal(float.PositiveInfinity, y[8]);
            Assert.Equal(MathF.E, y[9], 2e-7f);
        }
    }
}
