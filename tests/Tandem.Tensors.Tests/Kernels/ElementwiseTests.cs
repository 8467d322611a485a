namespace Tandem.Tensors.Tests.Kernels;

using Kernels = Tandem.Tensors.Kernels.Kernels;

/// <summary>The entries that delegate to TensorPrimitives: checked once each, for wiring and argument order.</summary>
public class ElementwiseTests
{
    public static TheoryData<int> Sizes => new(TestData.OddSizes);

    [Theory, MemberData(nameof(Sizes))]
    public void UnaryOpsMatchDoubleReferences(int n)
    {
        var x = TestData.Uniform(n, seed: n, scale: 5);
        var positive = x.Select(v => Math.Abs(v) + 0.01f).ToArray();
        var y = new float[n];
        void Check(Action<float[], float[]> op, float[] input, Func<double, double> reference, string name)
        {
            op(input, y);
            TestData.AssertClose(input.Select(v => reference(v)).ToArray(), y, rtol: 1e-5, atol: 1e-6, $"{name}, n {n}");
        }
        Check((a, b) => Kernels.Sigmoid(a, b), x, v => 1 / (1 + Math.Exp(-v)), "sigmoid");
        Check((a, b) => Kernels.Tanh(a, b), x, Math.Tanh, "tanh");
        Check((a, b) => Kernels.Exp(a, b), x, Math.Exp, "exp");
        Check((a, b) => Kernels.Log(a, b), positive, Math.Log, "log");
        Check((a, b) => Kernels.Scale(a, -2.5f, b), x, v => v * -2.5, "scale");
    }

    [Theory, MemberData(nameof(Sizes))]
    public void BinaryOpsMatchDoubleReferences(int n)
    {
        var x = TestData.Uniform(n, seed: n, scale: 5);
        var y = TestData.Uniform(n, seed: n + 1, scale: 5);
        var z = new float[n];
        Kernels.Add(x, y, z);
        TestData.AssertClose(x.Select((v, i) => (double)v + y[i]).ToArray(), z, 1e-6, 1e-6, "add");
        Kernels.Subtract(x, y, z);
        TestData.AssertClose(x.Select((v, i) => (double)v - y[i]).ToArray(), z, 1e-6, 1e-6, "subtract");
        Kernels.Multiply(x, y, z);
        TestData.AssertClose(x.Select((v, i) => (double)v * y[i]).ToArray(), z, 1e-6, 1e-6, "multiply");
        var acc = (float[])y.Clone();
        Kernels.AddScaled(x, 0.5f, acc);
        TestData.AssertClose(x.Select((v, i) => y[i] + 0.5 * v).ToArray(), acc, 1e-6, 1e-6, "add scaled");
        Assert.Equal(x.Select((v, i) => (double)v * y[i]).Sum(), Kernels.Dot(x, y), 1e-3);
        Assert.Equal(x.Select(v => (double)v).Sum(), Kernels.Sum(x), 1e-3);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Kernels.Add(new float[4], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Kernels.Exp(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Kernels.Dot(new float[4], new float[3]));
    }
}
