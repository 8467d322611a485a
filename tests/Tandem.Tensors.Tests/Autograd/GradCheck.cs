using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Tests.Autograd;

/// <summary>
/// Checks an op's analytic gradient against central finite differences. The op's output y is
/// reduced to L = Σ r_i·y_i with fixed random r (so no gradient entry can hide behind
/// symmetry); L's gradient comes from the tape, and the numeric one perturbs each input
/// element by ±h, evaluates the op in float and accumulates L in double.
/// </summary>
public static class GradCheck
{
    /// <summary>Random values in [lo, hi) with a fixed seed.</summary>
    public static float[] Random(int count, int seed, float lo = -1, float hi = 1)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = lo + (hi - lo) * rng.NextSingle();
        return values;
    }

    /// <summary>A leaf requiring a gradient, random in [lo, hi).</summary>
    public static Variable Leaf(int seed, int[] shape, float lo = -1, float hi = 1)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return new Variable(Tensor.From(Random(n, seed, lo, hi), shape), requiresGrad: true);
    }

    /// <summary>
    /// Asserts |analytic - numeric| ≤ atol + rtol·|numeric| for every element of every input
    /// that requires a gradient. <paramref name="op"/> must be deterministic in its inputs.
    /// </summary>
    public static void Check(Func<Tape, Variable> op, Variable[] inputs, double rtol, double atol, float h = 1e-2f)
    {
        double[][] analytic;
        float[] r;
        using (var tape = new Tape())
        {
            var y = op(tape);
            r = Random(y.Value.Length, seed: 12345, lo: 0.5f, hi: 1.5f);
            var loss = tape.Sum(tape.Multiply(y, tape.Constant(r, y.Value.Shape.ToArray())));
            foreach (var v in inputs) v.ZeroGrad();
            tape.Backward(loss);
            analytic = inputs.Select(DenseGrad).ToArray();
        }
        for (int k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].RequiresGrad) continue;
            var values = inputs[k].Value;
            for (int i = 0; i < values.Length; i++)
            {
                float original = values[i];
                values[i] = original + h;
                double step = values[i];
                double plus = Evaluate(op, r);
                values[i] = original - h;
                step -= values[i];
                double minus = Evaluate(op, r);
                values[i] = original;
                double numeric = (plus - minus) / step;
                double error = Math.Abs(analytic[k][i] - numeric);
                Assert.True(error <= atol + rtol * Math.Abs(numeric),
                    $"input {k} element {i}: analytic {analytic[k][i]:G6}, numeric {numeric:G6}, error {error:G3} > atol {atol} + rtol {rtol}·|numeric|");
            }
        }
    }

    /// <summary>The gradient as a dense array, expanding a sparse parameter's touched rows.</summary>
    public static double[] DenseGrad(Variable v)
    {
        var dense = new double[v.Value.Length];
        if (v is Parameter { SparseGrad: { } sparse })
        {
            for (int slot = 0; slot < sparse.Count; slot++)
                for (int c = 0; c < sparse.Cols; c++) dense[sparse.Rows[slot] * sparse.Cols + c] = sparse.Values(slot)[c];
        }
        else if (v.HasGrad)
            for (int i = 0; i < dense.Length; i++) dense[i] = v.Grad[i];
        return dense;
    }

    static double Evaluate(Func<Tape, Variable> op, float[] r)
    {
        using var tape = new Tape();
        using var _ = tape.NoGrad();
        var y = op(tape).Value.Span;
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)r[i] * y[i];
        return sum;
    }
}
