using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Tolerances: normalisations divide by norms/standard deviations of a few values, which
// amplifies float rounding; rtol 2e-2 and atol 2e-4 with h = 1e-2.
public class NormalizationOpsTests
{
    [Fact]
    public void SoftmaxAndLogSoftmaxGradientsMatchFiniteDifferences()
    {
        using var x = Leaf(1, [3, 5], lo: -2, hi: 2);
        Check(t => t.Softmax(x), [x], rtol: 2e-2, atol: 2e-4);
        Check(t => t.LogSoftmax(x), [x], rtol: 2e-2, atol: 2e-4);
    }

    [Fact]
    public void L2NormalizeGradientMatchesFiniteDifferencesAndRowsHaveUnitNorm()
    {
        using var x = Leaf(2, [4, 5]);
        Check(t => t.L2Normalize(x), [x], rtol: 2e-2, atol: 2e-4);
        using var tape = new Tape();
        var y = tape.L2Normalize(x);
        for (int r = 0; r < 4; r++)
            Assert.Equal(1, Math.Sqrt(y.Value.RowSpan(r).ToArray().Sum(v => (double)v * v)), 5);
    }

    [Fact]
    public void LayerNormGradientsMatchFiniteDifferences()
    {
        using var x = Leaf(3, [4, 6], lo: -2, hi: 2);
        using var gamma = Leaf(4, [6], lo: 0.5f, hi: 1.5f);
        using var beta = Leaf(5, [6]);
        Check(t => t.LayerNorm(x, gamma, beta), [x, gamma, beta], rtol: 2e-2, atol: 2e-4);
    }

    [Fact]
    public void LayerNormWithConstantGammaAndBetaLeavesThemWithoutGradients()
    {
        using var x = Leaf(12, [3, 4], lo: -2, hi: 2);
        using var gamma = new Variable(Tensor.From(Random(4, 13, 0.5f, 1.5f), 4));
        using var beta = new Variable(Tensor.From(Random(4, 14), 4));
        Check(t => t.LayerNorm(x, gamma, beta), [x], rtol: 2e-2, atol: 2e-4);
        Assert.False(gamma.HasGrad);
        Assert.False(beta.HasGrad);
    }

    [Fact]
    public void L2NormalizeOfAZeroRowGivesZerosNotNaN()
    {
        using var tape = new Tape();
        using var x = new Variable(Tensor.From([0f, 0, 3, 4], 2, 2), requiresGrad: true);
        var y = tape.L2Normalize(x);
        Assert.Equal([0f, 0, 0.6f, 0.8f], y.Value.Span.ToArray()); // [3, 4] / 5
        tape.Backward(tape.Sum(y));
        Assert.All(x.Grad.Span.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void BatchNormTrainingGradientsMatchFiniteDifferences()
    {
        using var x = Leaf(6, [5, 3], lo: -2, hi: 2);
        using var gamma = Leaf(7, [3], lo: 0.5f, hi: 1.5f);
        using var beta = Leaf(8, [3]);
        using var runningMean = Tensor.Zeros(3);
        using var runningVar = Tensor.Zeros(3);
        Check(t => t.BatchNorm(x, gamma, beta, runningMean, runningVar, training: true), [x, gamma, beta], rtol: 2e-2, atol: 2e-4);
    }

    [Fact]
    public void BatchNormEvalGradientsMatchFiniteDifferencesAndUseRunningStatistics()
    {
        using var x = Leaf(9, [4, 2]);
        using var gamma = Leaf(10, [2], lo: 0.5f, hi: 1.5f);
        using var beta = Leaf(11, [2]);
        using var runningMean = Tensor.From([0.5f, -1], 2);
        using var runningVar = Tensor.From([4f, 0.25f], 2);
        Check(t => t.BatchNorm(x, gamma, beta, runningMean, runningVar, training: false), [x, gamma, beta], rtol: 1e-2, atol: 1e-4);
        Assert.Equal([0.5f, -1], runningMean.Span.ToArray()); // eval leaves them alone
        using var tape = new Tape();
        var y = tape.BatchNorm(x, gamma, beta, runningMean, runningVar, training: false, eps: 0);
        // column 0: (x - 0.5)/√4·gamma + beta
        Assert.Equal((x.Value[0, 0] - 0.5f) / 2 * gamma.Value[0] + beta.Value[0], y.Value[0, 0], 5);
    }

    [Fact]
    public void BatchNormTrainingStandardisesEachColumnOfTheBatch()
    {
        using var tape = new Tape();
        using var gamma = new Variable(Tensor.From([1f, 1, 1], 3));
        using var beta = new Variable(Tensor.Zeros(3));
        using var runningMean = Tensor.Zeros(3);
        using var runningVar = Tensor.Zeros(3);
        var x = tape.Constant(Random(8 * 3, 15, -3, 5), 8, 3);
        var y = tape.BatchNorm(x, gamma, beta, runningMean, runningVar, training: true, eps: 1e-6f);
        for (int c = 0; c < 3; c++)
        {
            var column = Enumerable.Range(0, 8).Select(r => (double)y.Value[r, c]).ToArray();
            double mean = column.Average();
            Assert.Equal(0, mean, 5);
            Assert.Equal(1, column.Sum(v => (v - mean) * (v - mean)) / 8, 4); // biased variance, as in the forward
        }
    }

    [Fact]
    public void BatchNormTrainingMovesRunningStatisticsByMomentum()
    {
        using var tape = new Tape();
        using var gamma = new Variable(Tensor.From([1f], 1));
        using var beta = new Variable(Tensor.Zeros(1));
        using var runningMean = Tensor.From([1f], 1);
        using var runningVar = Tensor.From([1f], 1);
        // column [1, 3, 5]: mean 3, unbiased variance ((−2)² + 0 + 2²)/2 = 4
        tape.BatchNorm(tape.Constant([1, 3, 5], 3, 1), gamma, beta, runningMean, runningVar, training: true, momentum: 0.25f);
        Assert.Equal(1 + 0.25f * (3 - 1), runningMean[0], 6);  // 1.5
        Assert.Equal(1 + 0.25f * (4 - 1), runningVar[0], 6);   // 1.75
    }
}
