using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Tolerances: rtol 1e-2, atol 1e-4 with h = 1e-2 unless stated; element-wise ops have no
// summation, so their float error is tiny next to the O(h²) truncation error.
public class ElementwiseOpsTests
{
    [Fact]
    public void AddSubtractMultiplyOfSameShapesMatchFiniteDifferences()
    {
        using var a = Leaf(1, [3, 5]);
        using var b = Leaf(2, [3, 5]);
        Check(t => t.Add(a, b), [a, b], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Subtract(a, b), [a, b], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Multiply(a, b), [a, b], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Multiply(a, a), [a], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void BroadcastRowOpsMatchFiniteDifferences()
    {
        using var a = Leaf(3, [4, 3]);
        using var row = Leaf(4, [3]);
        Check(t => t.Add(a, row), [a, row], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Subtract(a, row), [a, row], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Multiply(a, row), [a, row], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void BroadcastAddValueMatchesHandComputed()
    {
        using var tape = new Tape();
        // [[1, 2], [3, 4]] + [10, 20] = [[11, 22], [13, 24]]
        var y = tape.Add(tape.Constant([1, 2, 3, 4], 2, 2), tape.Constant([10, 20], 2));
        Assert.Equal([11f, 22, 13, 24], y.Value.Span.ToArray());
    }

    [Fact]
    public void MismatchedShapesAreRejectedWithTheShapesInTheMessage()
    {
        using var tape = new Tape();
        var ex = Assert.Throws<ArgumentException>(() => tape.Add(tape.Constant(new float[6], 2, 3), tape.Constant(new float[2], 2)));
        Assert.Contains("Tensor[2, 3]", ex.Message);
    }

    [Fact]
    public void ActivationGradientsMatchFiniteDifferences()
    {
        using var x = Leaf(5, [3, 7]);
        Check(t => t.Scale(x, -2.5f), [x], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Gelu(x), [x], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Sigmoid(x), [x], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Tanh(x), [x], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Exp(x), [x], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void ReluGradientMatchesFiniteDifferencesAwayFromTheKink()
    {
        // |x| ≥ 0.1 > h, so no perturbation crosses 0.
        var values = Random(21, 6).Select(v => v >= 0 ? v + 0.1f : v - 0.1f).ToArray();
        using var x = new Variable(Tensor.From(values, 3, 7), requiresGrad: true);
        Check(t => t.Relu(x), [x], rtol: 1e-3, atol: 1e-4);
    }

    [Fact]
    public void LogGradientMatchesFiniteDifferencesOnPositiveInputs()
    {
        using var x = Leaf(7, [3, 7], lo: 0.5f, hi: 3f);
        // h = 1e-3: 1/x changes quickly near 0.5, truncation error h²/x³ stays below 1e-5.
        Check(t => t.Log(x), [x], rtol: 1e-2, atol: 1e-4, h: 1e-3f);
    }

    [Fact]
    public void DropoutGradientMatchesFiniteDifferencesForAFixedSeed()
    {
        using var x = Leaf(8, [4, 6]);
        Check(t => t.Dropout(x, 0.3f, new Random(42)), [x], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void DropoutZeroesAboutPAndScalesSurvivorsAndIsTheIdentityInEval()
    {
        using var tape = new Tape();
        var x = tape.Constant(Enumerable.Repeat(1f, 10000).ToArray(), 100, 100);
        var y = tape.Dropout(x, 0.25f, new Random(1));
        int zeros = 0;
        foreach (float v in y.Value.Span)
        {
            if (v == 0) zeros++;
            else Assert.Equal(1 / 0.75f, v, 6);
        }
        Assert.InRange(zeros, 2300, 2700); // 10000·0.25 = 2500, ± ~4.6 standard deviations (σ = √(10000·0.25·0.75) ≈ 43)
        Assert.Same(x, tape.Dropout(x, 0.25f, new Random(1), training: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => tape.Dropout(x, 1f, new Random(1)));
    }
}
