using Tandem.Evaluation.Metrics;

namespace Tandem.Evaluation.Tests.Metrics;

public class AucTests
{
    [Fact]
    public void AucMatchesHandExample()
    {
        // Positives score 0.35 and 0.8, negatives 0.1 and 0.4. Pairs (pos, neg):
        // (0.35, 0.1) win, (0.35, 0.4) loss, (0.8, 0.1) win, (0.8, 0.4) win -> 3 / 4 = 0.75.
        Assert.Equal(0.75, Auc.Compute([0.1f, 0.4f, 0.35f, 0.8f], [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void TiesCountOneHalf()
    {
        // Positives 0.5 and 0.9, negatives 0.5 and 0.2. Pairs: (0.5, 0.5) tie = 0.5, (0.5, 0.2) win,
        // (0.9, 0.5) win, (0.9, 0.2) win -> 3.5 / 4 = 0.875.
        Assert.Equal(0.875, Auc.Compute([0.5f, 0.5f, 0.2f, 0.9f], [1, 0, 0, 1]), 12);
        // Every score equal: every pair ties -> 0.5.
        Assert.Equal(0.5, Auc.Compute([1f, 1f, 1f, 1f, 1f], [1, 0, 1, 0, 0]), 12);
    }

    [Fact]
    public void MatchesPairCountingOnRandomData()
    {
        var rng = new Random(7);
        int n = 301;
        var scores = new float[n];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = rng.Next(40) / 8f; // coarse values so many ties occur
            labels[i] = rng.NextDouble() < 0.3 ? 1 : 0;
        }
        double wins = 0, pairs = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        Assert.Equal(wins / pairs, Auc.Compute(scores, labels), 12);
    }

    [Fact]
    public void OneClassOnlyIsAnError()
    {
        var allPositive = Assert.Throws<TandemException>(() => Auc.Compute([0.2f, 0.7f], [1, 1]));
        Assert.Contains("all 2 labels are 1", allPositive.Message);
        var allNegative = Assert.Throws<TandemException>(() => Auc.Compute([0.2f, 0.7f], [0, 0]));
        Assert.Contains("all 2 labels are 0", allNegative.Message);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>("labels", () => Auc.Compute([0.2f, 0.7f], [1, 0.5f]));
        Assert.Throws<ArgumentException>("labels", () => Auc.Compute([0.2f, 0.7f], [1]));
        Assert.Throws<ArgumentException>("scores", () => Auc.Compute([float.NaN, 0.7f], [1, 0]));
    }
}
