using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>Parameter initialisation with PyTorch's conventions, from a seeded generator.</summary>
static class Init
{
    /// <summary>A table of N(0, std²) rows; <paramref name="zeroRow0"/> zeroes the padding row.</summary>
    public static Parameter Table(string name, int rows, int cols, float std, Random rng, bool sparse, bool zeroRow0 = false)
    {
        var t = Tensor.Empty(rows, cols);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = std * Rng.Gaussian(rng);
        if (zeroRow0) s[..cols].Clear();
        return new Parameter(name, t, sparse);
    }

    /// <summary>U(−1/√fanIn, 1/√fanIn), PyTorch's default for Linear weights and biases.</summary>
    public static Parameter Uniform(string name, int fanIn, Random rng, params int[] shape)
    {
        var t = Tensor.Empty(shape);
        float bound = 1f / MathF.Sqrt(fanIn);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)(rng.NextDouble() * 2 - 1) * bound;
        return new Parameter(name, t);
    }

    /// <summary>A parameter filled with <paramref name="value"/>.</summary>
    public static Parameter Fill(string name, float value, params int[] shape)
    {
        var t = Tensor.Empty(shape);
        t.Span.Fill(value);
        return new Parameter(name, t);
    }
}

/// <summary>A fully connected layer <c>y = x·W + b</c>, W of in×out.</summary>
public sealed class Dense
{
    /// <summary>A layer with PyTorch's default initialisation.</summary>
    public Dense(string name, int inputs, int outputs, Random rng)
    {
        Weight = Init.Uniform(name + ".w", inputs, rng, inputs, outputs);
        Bias = Init.Uniform(name + ".b", inputs, rng, outputs);
    }

    /// <summary>in×out weights.</summary>
    public Parameter Weight { get; }
    /// <summary>out biases.</summary>
    public Parameter Bias { get; }
    /// <summary>Output width.</summary>
    public int Outputs => Weight.Cols;
    /// <summary>Both parameters.</summary>
    public IEnumerable<Parameter> Parameters => [Weight, Bias];
    /// <summary><c>x·W + b</c>.</summary>
    public Variable Apply(Tape tape, Variable x) => tape.Linear(x, Weight, Bias);
}
