using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>Autograd and an optimizer together learn small functions end to end.</summary>
public class MlpLearningTests
{
    sealed class Mlp : IDisposable
    {
        readonly Parameter[] weights, biases;

        public Mlp(params int[] sizes)
        {
            weights = new Parameter[sizes.Length - 1];
            biases = new Parameter[sizes.Length - 1];
            for (int i = 0; i < weights.Length; i++)
            {
                float scale = MathF.Sqrt(6f / (sizes[i] + sizes[i + 1])); // Glorot uniform
                weights[i] = new($"w{i}", Tensor.From(Random(sizes[i] * sizes[i + 1], 100 + i, -scale, scale), sizes[i], sizes[i + 1]));
                biases[i] = new($"b{i}", Tensor.Zeros(sizes[i + 1]));
            }
        }

        public IEnumerable<Parameter> Parameters => weights.Concat(biases);

        public Variable Forward(Tape tape, Variable x)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                x = tape.Linear(x, weights[i], biases[i]);
                if (i < weights.Length - 1) x = tape.Tanh(x);
            }
            return x;
        }

        public void Dispose()
        {
            foreach (var p in Parameters) p.Dispose();
        }
    }

    [Fact]
    public void AnMlpLearnsXor()
    {
        using var mlp = new Mlp(2, 8, 1);
        using var adam = new Adam(mlp.Parameters, 0.05f);
        using var tape = new Tape();
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1], labels = [0, 1, 1, 0];
        float loss = float.NaN;
        for (int step = 0; step < 300; step++)
        {
            var l = tape.BceWithLogits(mlp.Forward(tape, tape.Constant(inputs, 4, 2)), labels);
            loss = l.Value[0];
            tape.Backward(l);
            adam.Step();
            adam.ZeroGrad();
            tape.Reset();
        }
        Assert.True(loss < 0.05f, $"XOR loss after 300 Adam steps is {loss}");
        using (tape.NoGrad())
        {
            var logits = mlp.Forward(tape, tape.Constant(inputs, 4, 2)).Value.Span.ToArray();
            Assert.Equal(labels, logits.Select(z => z > 0 ? 1f : 0f).ToArray());
        }
    }

    [Fact]
    public void AnMlpFitsASmoothRegression()
    {
        // y = sin(2·x0) + x1², x ∈ [-1, 1]²: 256 samples, mean squared error to below 0.005
        // (the variance of y is about 0.6, so this explains over 99% of it).
        const int n = 256;
        var x = Random(2 * n, 7, -1, 1);
        var y = Enumerable.Range(0, n).Select(i => MathF.Sin(2 * x[2 * i]) + x[2 * i + 1] * x[2 * i + 1]).ToArray();
        using var mlp = new Mlp(2, 32, 32, 1);
        using var adam = new Adam(mlp.Parameters, 0.01f);
        using var tape = new Tape();
        float mse = float.NaN;
        for (int step = 0; step < 1500; step++)
        {
            var error = tape.Subtract(mlp.Forward(tape, tape.Constant(x, n, 2)), tape.Constant(y, n, 1));
            var l = tape.Mean(tape.Multiply(error, error));
            mse = l.Value[0];
            tape.Backward(l);
            adam.Step();
            adam.ZeroGrad();
            tape.Reset();
        }
        Assert.True(mse < 0.005f, $"regression MSE after 1500 Adam steps is {mse}");
    }
}
