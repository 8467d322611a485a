namespace Tandem.Tensors.Tests;

/// <summary>Random inputs and comparisons shared by the kernel tests.</summary>
public static class TestData
{
    /// <summary>Lengths that leave every remainder for 8- and 16-wide vectors.</summary>
    public static readonly int[] OddSizes = [1, 3, 7, 15, 16, 17, 31, 33, 63, 65, 127, 129];

    /// <summary>Every instruction set this machine runs, as theory data.</summary>
    public static TheoryData<SimdLevel> Levels => new(Simd.Supported);

    /// <summary>Uniform values in [-scale, scale] with a fixed seed; none is zero.</summary>
    public static float[] Uniform(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            float v = (float)(random.NextDouble() * 2 - 1) * scale;
            values[i] = v == 0 ? scale / 2 : v;
        }
        return values;
    }

    /// <summary><see cref="Uniform"/> values of which about one in eight is scaled by a thousand.</summary>
    public static float[] WithOutliers(int length, int seed, float scale = 1f)
    {
        var values = Uniform(length, seed, scale);
        var random = new Random(seed + 1);
        for (int i = 0; i < length; i++)
            if (random.Next(8) == 0) values[i] *= 1000;
        return values;
    }

    /// <summary>Asserts <c>|actual - expected| ≤ atol + rtol·|expected|</c> element by element, naming the first miss.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rtol, double atol, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool same = double.IsNaN(e) ? double.IsNaN(a) : double.IsInfinity(e) ? e == a : Math.Abs(a - e) <= atol + rtol * Math.Abs(e);
            Assert.True(same, $"{context}: element {i} is {a:R}, expected {e:R} (rtol {rtol}, atol {atol}).");
        }
    }

    /// <summary>Runs <paramref name="action"/> in a <see cref="Threads.Use"/> scope of <paramref name="count"/> threads.</summary>
    public static void WithThreads(int count, Action action)
    {
        using (Threads.Use(count)) action();
    }

    /// <summary>
    /// Central differences of the scalar <paramref name="loss"/> with respect to each input, in double:
    /// the independent reference every gradient kernel is checked against.
    /// </summary>
    public static double[] NumericGradient(Func<double[], double> loss, float[] at, double h = 1e-5)
    {
        var point = at.Select(v => (double)v).ToArray();
        var gradient = new double[point.Length];
        for (int i = 0; i < point.Length; i++)
        {
            double saved = point[i];
            point[i] = saved + h; double up = loss(point);
            point[i] = saved - h; double down = loss(point);
            point[i] = saved;
            gradient[i] = (up - down) / (2 * h);
        }
        return gradient;
    }
}
