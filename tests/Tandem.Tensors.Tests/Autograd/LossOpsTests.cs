using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Tolerances: the losses are means of log-sum-exps over a few values; rtol 1e-2 and
// atol 1e-4 with h = 1e-2.
public class LossOpsTests
{
    [Fact]
    public void MaskedWeightedSoftmaxCrossEntropyGradientMatchesFiniteDifferences()
    {
        using var logits = Leaf(1, [4, 5], lo: -2, hi: 2);
        int[] targets = [0, 3, 4, 3];
        var mask = new bool[20];
        mask[0 * 5 + 2] = mask[1 * 5 + 0] = mask[1 * 5 + 1] = mask[3 * 5 + 4] = true;
        float[] weights = [1, 0.5f, 2, 1.5f];
        Check(t => t.SoftmaxCrossEntropy(logits, targets, mask, weights), [logits], rtol: 1e-2, atol: 1e-4);
        Check(t => t.SoftmaxCrossEntropy(logits, targets), [logits], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void ScaledShiftedSoftmaxCrossEntropyGradientMatchesFiniteDifferences()
    {
        using var logits = Leaf(2, [3, 4], lo: -1, hi: 1);
        int[] targets = [1, 0, 3];
        var mask = new bool[12];
        mask[0 * 4 + 3] = mask[2 * 4 + 1] = true;
        float[] shift = [-1.5f, 0.25f, -3, 0.7f];
        Check(t => t.SoftmaxCrossEntropy(logits, targets, mask, [1, 2, 0.5f], scale: 4, shift: shift), [logits], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void MultiTargetSoftmaxCrossEntropyGradientMatchesFiniteDifferences()
    {
        using var logits = Leaf(3, [3, 5], lo: -2, hi: 2);
        // Row 0 has three targets (one twice), row 1 none, row 2 one.
        int[] targets = [0, 4, 4, 2];
        int[] offsets = [0, 3, 3, 4];
        var mask = new bool[15];
        mask[0 * 5 + 1] = mask[2 * 5 + 3] = true;
        Check(t => t.SoftmaxCrossEntropy(logits, targets, mask, [0.5f, 2, 1.5f], scale: 3, shift: [0.2f, -1, 0.5f, 0, 1], offsets: offsets), [logits], rtol: 1e-2, atol: 1e-4);
        Check(t => t.SoftmaxCrossEntropy(logits, targets, offsets: offsets), [logits], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void MultiTargetSoftmaxCrossEntropySumsTheRowsTargets()
    {
        using var tape = new Tape();
        float[] row = [0, MathF.Log(2), MathF.Log(3)]; // softmax = [1/6, 2/6, 3/6]
        // One row, targets 1 and 2: -ln(2/6) - ln(3/6) = 1.098612 + 0.693147 = 1.791759, over 1 row.
        var loss = tape.SoftmaxCrossEntropy(tape.Constant(row, 1, 3), [1, 2], offsets: [0, 2]);
        Assert.Equal(1.791759f, loss.Value[0], 5);
        var ex = Assert.Throws<ArgumentException>(() => tape.SoftmaxCrossEntropy(tape.Constant(row, 1, 3), [1, 2], offsets: [0, 1]));
        Assert.Contains("offsets", ex.Message);
    }

    [Fact]
    public void ScaledShiftedSoftmaxCrossEntropyEqualsScalingAndShiftingTheLogitsFirst()
    {
        float[] x = GradCheck.Random(12, 3);
        float[] shift = [-1.5f, 0.25f, -3, 0.7f];
        int[] targets = [1, 0, 3];
        float[] Run(bool fused, out float value)
        {
            using var tape = new Tape();
            using var logits = new Parameter("logits", Tensor.From(x, 3, 4));
            var loss = fused
                ? tape.SoftmaxCrossEntropy(logits, targets, scale: 20, shift: shift)
                : tape.SoftmaxCrossEntropy(tape.Subtract(tape.Scale(logits, 20), tape.Constant(shift, 4)), targets);
            tape.Backward(loss);
            value = loss.Value[0];
            return logits.Grad.Span.ToArray();
        }
        var fusedGrad = Run(true, out float fusedLoss);
        var plainGrad = Run(false, out float plainLoss);
        Assert.Equal(plainLoss, fusedLoss, 5);
        for (int i = 0; i < x.Length; i++) Assert.Equal(plainGrad[i], fusedGrad[i], 5);
    }

    [Fact]
    public void SoftmaxCrossEntropyValueMatchesHandComputed()
    {
        using var tape = new Tape();
        float[] row = [0, MathF.Log(2), MathF.Log(3)]; // softmax = [1/6, 2/6, 3/6]
        var logits = tape.Constant([.. row, .. row], 2, 3);
        bool[] mask = [false, false, false, false, true, false];
        // row 0: -ln(3/6) = 0.693147; row 1 without column 1: softmax [1/4, 3/4], -ln(3/4) = 0.287682
        // weights [1, 2]: (0.693147 + 2·0.287682) / 2 rows = 0.634256
        var loss = tape.SoftmaxCrossEntropy(logits, [2, 2], mask, [1, 2]);
        Assert.Equal(0.634256f, loss.Value[0], 5);
    }

    [Fact]
    public void SoftmaxCrossEntropyRejectsAMaskedTarget()
    {
        using var tape = new Tape();
        var ex = Assert.Throws<ArgumentException>(() =>
            tape.SoftmaxCrossEntropy(tape.Constant([1, 2, 3, 4], 2, 2), [0, 1], [false, false, false, true]));
        Assert.Contains("row 1", ex.Message);
    }

    [Fact]
    public void BceWithLogitsGradientMatchesFiniteDifferences()
    {
        using var logits = Leaf(2, [3, 4], lo: -3, hi: 3);
        var labels = Random(12, 3, lo: 0, hi: 1);
        var weights = Random(12, 4, lo: 0.5f, hi: 2);
        Check(t => t.BceWithLogits(logits, labels, weights), [logits], rtol: 1e-2, atol: 1e-4);
        Check(t => t.BceWithLogits(logits, labels), [logits], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void BceWithLogitsIsStableForLargeLogits()
    {
        using var tape = new Tape();
        using var logits = new Variable(Tensor.From([0f, 100, -100], 3), requiresGrad: true);
        // ln 2 = 0.693147; x = 100, y = 0 costs 100; x = -100, y = 0 costs log(1 + e^-100) ≈ 0
        // mean: (0.693147 + 100 + 0) / 3 = 33.564382
        var loss = tape.BceWithLogits(logits, [1, 0, 0]);
        Assert.Equal(33.564382f, loss.Value[0], 4);
        tape.Backward(loss);
        // dl/dx = (σ(x) - y)/3: (0.5 - 1)/3, (1 - 0)/3, (0 - 0)/3
        float[] expected = [-0.5f / 3, 1f / 3, 0];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], logits.Grad[i], 5);
    }
}
