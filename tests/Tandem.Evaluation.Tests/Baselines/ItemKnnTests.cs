using Tandem.Evaluation.Baselines;
using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Baselines;

public class ItemKnnTests
{
    // Users 0: {0, 1}, 1: {0, 1, 2}, 2: {2, 3}; item 4 is never trained.
    // Users per item: 0 → {0, 1}, 1 → {0, 1}, 2 → {1, 2}, 3 → {2}.
    // Cosine: sim(0,1) = 2/√(2·2) = 1; sim(0,2) = sim(1,2) = 1/√(2·2) = 0.5; sim(2,3) = 1/√(2·1) = 0.7071; others 0 (not neighbours).
    // Neighbours: 0 → [1, 2]; 1 → [0, 2]; 2 → [3, 0, 1] (0 before 1 on the tie); 3 → [2].
    static readonly UserItemSets Train = UserItemSets.FromPairs([0, 0, 1, 1, 1, 2, 2], [0, 1, 0, 1, 2, 2, 3], 3, 5);
    const float R = 0.70710677f, Ninf = float.NegativeInfinity;

    [Theory]
    // User 2 = items 2 and 3. k 1: 2 adds sim(2,3) to item 3, 3 adds sim(3,2) to item 2.
    [InlineData(1, 2, new[] { 0f, 0, R, R, Ninf })]
    // k 2: item 2's second neighbour is item 0 (tie with 1, lower id first): +0.5.
    [InlineData(2, 2, new[] { 0.5f, 0, R, R, Ninf })]
    [InlineData(3, 2, new[] { 0.5f, 0.5f, R, R, Ninf })]
    // User 0 = items 0 and 1, k 2: item 0 gives 1 → 1, 2 → 0.5; item 1 gives 0 → 1, 2 → 0.5.
    [InlineData(2, 0, new[] { 1f, 1, 1, 0, Ninf })]
    public void ScoresAreSumsOfNeighbourSimilarities(int k, int user, float[] expected)
    {
        var scores = new float[5];
        ItemKnn.Fit(Train, mostNeighbours: 3).Scorer(k).Score(user, 1, scores);
        Assert.Equal(expected, scores, (a, b) => a == b || Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void RejectsMoreNeighboursThanFitted() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ItemKnn.Fit(Train, mostNeighbours: 2).Scorer(3));
}
