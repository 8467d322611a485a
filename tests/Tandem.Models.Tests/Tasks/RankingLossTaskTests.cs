using Tandem.Models.Tasks;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Tasks;

public class RankingLossTaskTests
{
    static CandidateBatch Batch(params int[] items)
    {
        var b = new CandidateBatch();
        b.Reset(items.Length, items.Length);
        items.CopyTo(b.Items, 0);
        return b;
    }

    static float Loss(RankingLoss kind, float margin = 1, CandidateBatch? batch = null)
    {
        using var tape = new Tape();
        // Scores [[1, 0], [0, 1]].
        var q = tape.Constant([1, 0, 0, 1], 2, 2);
        var c = tape.Constant([1, 0, 0, 1], 2, 2);
        return new RankingLossTask(kind, temperature: 1, margin: margin).Loss(tape, q, c, batch ?? Batch(1, 2)).Value[0];
    }

    [Fact]
    public void BprMatchesHandValue() =>
        // Pairs (0, 1) and (1, 0): -log σ(1 - 0) = log(1 + e^-1) = 0.3132617 each.
        Assert.Equal(0.3132617f, Loss(RankingLoss.Bpr), 5);

    [Fact]
    public void HingeMatchesHandValue()
    {
        // max(0, m - 1 + 0): 0 with m = 1, 1 with m = 2, 0.5 with m = 1.5.
        Assert.Equal(0f, Loss(RankingLoss.Hinge, 1), 6);
        Assert.Equal(1f, Loss(RankingLoss.Hinge, 2), 5);
        Assert.Equal(0.5f, Loss(RankingLoss.Hinge, 1.5f), 5);
    }

    [Fact]
    public void SampledBceMatchesHandValue() =>
        // Diagonal logits 1 with label 1: log(1 + e^-1) = 0.3132617; off-diagonal 0 with label 0: log 2 = 0.6931472;
        // mean over four pairs = (2·0.3132617 + 2·0.6931472) / 4 = 0.5032044.
        Assert.Equal(0.5032044f, Loss(RankingLoss.SampledBce), 5);

    [Fact]
    public void LabelBceUsesExplicitLabels()
    {
        var batch = Batch(1, 2);
        batch.Labels[1] = 0;
        // Row 0: logit 1, label 1: 0.3132617; row 1: logit 1, label 0: log(1 + e^1) = 1.3132617; mean 0.8132617.
        Assert.Equal(0.8132617f, Loss(RankingLoss.LabelBce, batch: batch), 5);
    }
}
