using Tandem.Evaluation.Ranking;
using Tandem.Tensors;

namespace Tandem.Evaluation.Tests.Ranking;

public class ScorerTests
{
    [Fact]
    public void EmbeddingScoresAreDotProducts()
    {
        var rng = new Random(23);
        const int users = 9, items = 31, d = 5;
        var u = Fixtures.Embeddings(rng, users, d);
        var v = Fixtures.Embeddings(rng, items, d);
        var scorer = new EmbeddingScorer(u, v, d);
        Assert.Equal((users, items, d), (scorer.UserCount, scorer.ItemCount, scorer.Dimension));
        // Score users 2..5 only: the block must start at the right row.
        var scores = new float[4 * items];
        scorer.Score(2, 4, scores);
        for (int a = 0; a < 4; a++)
            for (int i = 0; i < items; i++)
            {
                double dot = 0;
                for (int p = 0; p < d; p++) dot += (double)u[(2 + a) * d + p] * v[i * d + p];
                Assert.True(Math.Abs(dot - scores[a * items + i]) < 1e-5, $"user {2 + a}, item {i}: {dot} vs {scores[a * items + i]}");
            }

        // The tensor constructor reads the same rows, also from views.
        using var userTensor = Tensor.From([.. new float[d], .. u], users + 1, d);
        using var itemTensor = Tensor.From(v, items, d);
        using var view = userTensor.Slice(1, users);
        var fromTensors = new float[4 * items];
        new EmbeddingScorer(view, itemTensor).Score(2, 4, fromTensors);
        Assert.Equal(scores, fromTensors);
    }

    [Fact]
    public void EmbeddingShapesAreChecked()
    {
        Assert.Throws<ArgumentException>("users", () => new EmbeddingScorer(new float[7], new float[6], 3));
        Assert.Throws<ArgumentOutOfRangeException>("dimension", () => new EmbeddingScorer(new float[6], new float[6], 0));
        using var a = Tensor.Zeros(2, 3);
        using var b = Tensor.Zeros(4, 2);
        Assert.Throws<ArgumentException>("items", () => new EmbeddingScorer(a, b));
    }

    [Fact]
    public void MostPopularCountsTrainingUsersPerItem()
    {
        // Training: user 0 has {0, 2}, user 1 has {2}, user 2 has {2, 3} (item 2 given twice for user 2).
        var training = UserItemSets.FromPairs([0, 0, 1, 2, 2, 2], [0, 2, 2, 2, 3, 2], 3, 5);
        var scorer = MostPopularScorer.FromTraining(training);
        // Counts: item 0 -> 1, item 1 -> 0, item 2 -> 3, item 3 -> 1, item 4 -> 0.
        Assert.Equal([1f, 0, 3, 1, 0], scorer.Popularity.ToArray());
        var scores = new float[2 * 5];
        scorer.Score(1, 2, scores);
        Assert.Equal([1f, 0, 3, 1, 0, 1, 0, 3, 1, 0], scores);
        Assert.Throws<ArgumentException>("popularity", () => new MostPopularScorer([1f, float.NaN], 2));
    }
}
