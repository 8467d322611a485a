using Tandem.Evaluation.Baselines;
using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Baselines;

public class EaseScorerTests
{
    [Fact]
    public void RecoversThePlantedItems()
    {
        var (train, test) = PlantedData.Create(seed: 1);
        // 120 users, 60 items: the item-space inverse. Nearly every held-out item comes first.
        Assert.True(PlantedData.Recovered(EaseScorer.Fit(train, 10), train, test) >= 0.95);
    }

    [Theory]
    [InlineData(12, 20)] // fewer users than items: the user-space (Woodbury) inverse
    [InlineData(30, 8)]  // fewer items than users: the item-space inverse
    public void MatchesTheTextbookFormulaInDouble(int users, int items)
    {
        var rng = new Random(users * 100 + items);
        List<int> us = [], its = [];
        for (int u = 0; u < users; u++)
            for (int i = 0; i < items; i++)
                if (rng.NextDouble() < 0.3) { us.Add(u); its.Add(i); }
        // Item items − 1 is never trained: it must score −∞.
        for (int k = us.Count - 1; k >= 0; k--)
            if (its[k] == items - 1) { us.RemoveAt(k); its.RemoveAt(k); }
        var train = UserItemSets.FromPairs(us.ToArray(), its.ToArray(), users, items);
        const double lambda = 3;

        // B = I − P / diag(P) with P = (XᵀX + λI)⁻¹ by Gauss–Jordan, scores X·B.
        var x = new double[users, items];
        for (int k = 0; k < us.Count; k++) x[us[k], its[k]] = 1;
        var p = new double[items, items];
        for (int i = 0; i < items; i++)
            for (int j = 0; j < items; j++)
            {
                for (int u = 0; u < users; u++) p[i, j] += x[u, i] * x[u, j];
                if (i == j) p[i, j] += lambda;
            }
        p = Invert(p);
        var scores = new float[users * items];
        EaseScorer.Fit(train, lambda).Score(0, users, scores);
        for (int u = 0; u < users; u++)
            for (int j = 0; j < items - 1; j++)
            {
                double expected = 0;
                for (int i = 0; i < items; i++) expected += x[u, i] * ((i == j ? 1 : 0) - p[i, j] / p[j, j]);
                Assert.Equal(expected, scores[u * items + j], 4);
            }
        for (int u = 0; u < users; u++) Assert.Equal(float.NegativeInfinity, scores[u * items + items - 1]);
    }

    [Fact]
    public void RejectsANonPositiveLambda()
    {
        var (train, _) = PlantedData.Create(seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => EaseScorer.Fit(train, 0));
    }

    static double[,] Invert(double[,] a)
    {
        int n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) m[i, j] = a[i, j];
            m[i, n + i] = 1;
        }
        for (int c = 0; c < n; c++)
        {
            int pivot = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(m[r, c]));
            for (int j = 0; j < 2 * n; j++) (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            double d = m[c, c];
            for (int j = 0; j < 2 * n; j++) m[c, j] /= d;
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                double f = m[r, c];
                for (int j = 0; j < 2 * n; j++) m[r, j] -= f * m[c, j];
            }
        }
        var inverse = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) inverse[i, j] = m[i, n + j];
        return inverse;
    }
}
