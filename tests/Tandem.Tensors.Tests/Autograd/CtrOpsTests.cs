using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Tolerances: each op is a few products and sums of values in [-1, 1] (the attention a softmax of
// a few); rtol 1e-2 and atol 1e-3 with h = 1e-2, as the other ops' checks.
public class CtrOpsTests
{
    [Fact]
    public void FmInteractionGradientMatchesFiniteDifferences()
    {
        using var x = Leaf(1, [3, 4 * 5]);
        Check(t => t.FmInteraction(x, fields: 4), [x], rtol: 1e-2, atol: 1e-3);
    }

    [Fact]
    public void FmInteractionIsTheSumOfPairwiseInnerProducts()
    {
        // Three fields of width 2: e1 = (1, 2), e2 = (3, -1), e3 = (0, 2).
        // ⟨e1,e2⟩ + ⟨e1,e3⟩ + ⟨e2,e3⟩ = (3 − 2) + (0 + 4) + (0 − 2) = 3.
        using var tape = new Tape();
        var y = tape.FmInteraction(tape.Constant([1, 2, 3, -1, 0, 2], 1, 6), fields: 3);
        Assert.Equal(3f, y.Value[0], 5);
    }

    [Fact]
    public void CrossGradientMatchesFiniteDifferencesForTheFirstAndALaterLayer()
    {
        using var x0 = Leaf(2, [3, 4]);
        using var x = Leaf(3, [3, 4]);
        using var w = Leaf(4, [4, 4]);
        using var b = Leaf(5, [4]);
        Check(t => t.Cross(x0, x, w, b), [x0, x, w, b], rtol: 1e-2, atol: 1e-3);
        // The first layer reads x0 twice: both gradient paths add up.
        Check(t => t.Cross(x0, x0, w, b), [x0, w, b], rtol: 1e-2, atol: 1e-3);
    }

    [Fact]
    public void CrossIsX0TimesTheAffineMapPlusX()
    {
        // x0 = (1, 2), x = (3, 4), w = [[1, 0], [1, 1]], b = (0.5, -1):
        // x·w + b = (3 + 4 + 0.5, 4 − 1) = (7.5, 3); y = (1·7.5 + 3, 2·3 + 4) = (10.5, 10).
        using var tape = new Tape();
        var y = tape.Cross(tape.Constant([1, 2], 1, 2), tape.Constant([3, 4], 1, 2), tape.Constant([1, 0, 1, 1], 2, 2), tape.Constant([0.5f, -1], 2));
        Assert.Equal([10.5f, 10f], y.Value.Span.ToArray());
    }

    [Fact]
    public void TargetAttentionGradientMatchesFiniteDifferencesWithPaddingAndAnEmptyHistory()
    {
        using var keys = Leaf(6, [3 * 4, 5]);
        using var target = Leaf(7, [3, 5]);
        int[] lengths = [4, 2, 0];
        Check(t => t.TargetAttention(keys, target, lengths), [keys, target], rtol: 1e-2, atol: 1e-3);
    }

    [Fact]
    public void TargetAttentionWeighsHistoryByAffinityToTheTarget()
    {
        // k = 4, so the scale is 1/2. History (2, 0, 0, 0) and (0, 2, 0, 0), target (1, 0, 0, 0):
        // scores 1 and 0, weights e/(e + 1) = 0.7311 and 0.2689; y = (1.4621, 0.5379, 0, 0).
        // The third slot is padding and must not count.
        using var tape = new Tape();
        var y = tape.TargetAttention(tape.Constant([2, 0, 0, 0, 0, 2, 0, 0, 9, 9, 9, 9], 3, 4), tape.Constant([1, 0, 0, 0], 1, 4), [2]);
        Assert.Equal(1.4621f, y.Value[0], 4);
        Assert.Equal(0.5379f, y.Value[1], 4);
        Assert.Equal(0f, y.Value[2]);
    }

    [Fact]
    public void ScaledBceGradientMatchesFiniteDifferences()
    {
        using var scores = Leaf(8, [6], lo: -2, hi: 2);
        using var scale = Leaf(9, [1], lo: 0.5f, hi: 2);
        using var bias = Leaf(10, [1]);
        float[] labels = [1, 0, 0, 1, 1, 0];
        float[] weights = [1, 2, 0.5f, 1, 1.5f, 1];
        Check(t => t.ScaledBceWithLogits(scores, scale, bias, labels, weights), [scores, scale, bias], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void ScaledBceEqualsBceOfTheScaledShiftedScores()
    {
        float[] s = [0.3f, -1.2f, 2.5f, 0f];
        float[] labels = [1, 0, 1, 0];
        using var tape = new Tape();
        var fused = tape.ScaledBceWithLogits(tape.Constant(s, 4), tape.Constant([3], 1), tape.Constant([-0.5f], 1), labels);
        float[] z = s.Select(v => 3 * v - 0.5f).ToArray();
        var plain = tape.BceWithLogits(tape.Constant(z, 4), labels);
        Assert.Equal(plain.Value[0], fused.Value[0], 6);
    }
}
