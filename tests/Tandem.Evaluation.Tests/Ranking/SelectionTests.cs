using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Ranking;

/// <summary>The vectorised rank counter against a scalar reference, on odd sizes with ties and masked (NaN) entries (the top K is the Tensors kernel, tested there).</summary>
public class SelectionTests
{
    public static TheoryData<int> Sizes => [1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 1001];

    static float[] Row(Random rng, int n)
    {
        var row = new float[n];
        for (int i = 0; i < n; i++)
            row[i] = rng.NextDouble() < 0.15 ? float.NaN : rng.Next(-6, 7) * 0.25f; // many ties, some masked
        return row;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void RankCountsItemsAheadLikeAScalarLoop(int n)
    {
        var rng = new Random(n);
        var row = Row(rng, n);
        for (int item = 0; item < n; item++)
        {
            if (float.IsNaN(row[item])) continue;
            int ahead = 0;
            for (int j = 0; j < n; j++)
                if (row[j] > row[item] || (row[j] == row[item] && j < item)) ahead++;
            Assert.Equal(1 + ahead, RankCounter.Rank(row, item));
        }
    }
}
