using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>Parameters and gradients for the optimizer tests.</summary>
static class Fixtures
{
    public static Parameter Dense(string name, params float[] values) => new(name, Tensor.From(values, values.Length));

    public static void SetGrad(Parameter p, params float[] grad) => grad.CopyTo(p.Grad.Span);

    /// <summary>Random values in [-1, 1) with no zeros, from a fixed seed.</summary>
    public static float[] Random(Random rng, int n, float scale = 1)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            float x;
            do x = (float)(rng.NextDouble() * 2 - 1); while (x == 0);
            values[i] = x * scale;
        }
        return values;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = 2e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
