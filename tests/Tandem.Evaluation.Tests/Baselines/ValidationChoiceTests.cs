using Tandem.Evaluation.Baselines;
using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Baselines;

public class ValidationChoiceTests
{
    // One user, items 0..3: item 0 trained, item 3 held out for validation.
    static readonly UserItemSets Fit = UserItemSets.FromPairs([0], [0], 1, 4), Validation = UserItemSets.FromPairs([0], [3], 1, 4);

    /// <summary>A scorer that puts the held-out item 3 at rank <paramref name="rank"/> (1..3) among the unseen items 1..3.</summary>
    static IScorer Ranking(int rank) => new DelegateScorer(1, 4, (_, row) =>
    {
        row[1] = 2; row[2] = 1; row[3] = 0; // 1, 2, 3 …
        row[3] = 3 - rank + 0.5f;              // … with item 3 moved to the given rank
    });

    [Fact]
    public void TheCandidateWithTheBestValidationNdcgWinsAndTiesGoToTheEarlier()
    {
        var (best, tried) = ValidationChoice.Best([3, 1, 2, 1], Ranking, Fit, Validation, k: 3);
        Assert.Equal(1, best);
        // NDCG@3 of one relevant item at rank r: 1 / log2(r + 1).
        Assert.Equal([1 / Math.Log2(4), 1, 1 / Math.Log2(3), 1], tried.Select(c => c.Ndcg));
    }

    [Fact]
    public void BestEpochStopsAfterPatienceEpochsWithoutImprovement()
    {
        int[] ranks = [3, 1, 2, 2, 3, 1, 1];
        int epochs = 0;
        var (best, curve) = ValidationChoice.BestEpoch(() => Ranking(ranks[epochs++]), mostEpochs: 7, patience: 3, Fit, Validation, k: 3);
        // Epoch 2 ranks the item first; epochs 3, 4 and 5 do not beat it, so training stops there.
        Assert.Equal(2, best);
        Assert.Equal(5, epochs);
        Assert.Equal(5, curve.Count);
    }
}
