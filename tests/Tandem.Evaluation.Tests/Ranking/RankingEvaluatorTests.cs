using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Ranking;

public class RankingEvaluatorTests
{
    const int Users = 53, Items = 211, Dimension = 7;

    static EmbeddingScorer RandomScorer(Random rng) =>
        new(Fixtures.Embeddings(rng, Users, Dimension), Fixtures.Embeddings(rng, Items, Dimension), Dimension);

    [Fact]
    public void MatchesHandExample()
    {
        // One user, six items with scores [0.2, 0.9, 0.5, 0.9, 0.4, 0.7]; item 1 is excluded (training),
        // items 3 and 4 are held out. Ranking of the rest, score descending then id ascending:
        // 3 (0.9), 5 (0.7), 2 (0.5), 4 (0.4), 0 (0.2) -> held-out ranks 1 and 4; top 2 = [3, 5].
        // (Item 1 ties item 3 at 0.9 and would rank first had it not been excluded.)
        float[] scores = [0.2f, 0.9f, 0.5f, 0.9f, 0.4f, 0.7f];
        var scorer = new DelegateScorer(1, 6, (_, row) => scores.CopyTo(row));
        var excluded = UserItemSets.FromPairs([0], [1], 1, 6);
        var heldOut = UserItemSets.FromPairs([0, 0], [4, 3], 1, 6);
        var report = RankingEvaluator.Evaluate(scorer, excluded, heldOut, new RankingOptions { K = 2 });

        Assert.Equal(0.5, report["Recall@2"]);                     // 1 of 2 held-out items in the top 2
        Assert.Equal(1.0, report["HitRate@2"]);
        Assert.Equal(1 / (1 + 1 / Math.Log2(3)), report["NDCG@2"], 12); // DCG 1 / IDCG (1 + 0.63093) = 0.61315
        Assert.Equal(0.5, report["MAP@2"]);                        // P@1 = 1, divided by min(2, 2)
        Assert.Equal(1.0, report["MRR"]);                          // first held-out item at rank 1
        Assert.Equal(2.5, report["MeanRank"]);                     // (1 + 4) / 2
        Assert.Equal(2.5, report["MedianRank"]);                   // median of {1, 4}
        Assert.Equal(2.0 / 6, report["Coverage@2"], 12);           // items {3, 5} of 6
        Assert.Equal(1, report.UsersEvaluated);
        Assert.Equal(2, report.HeldOutItems);
        Assert.Equal([3, 5], RankingEvaluator.Recommend(scorer, excluded, new RankingOptions { K = 2 }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(300)] // beyond the catalogue: lists hold every unmasked item
    public void MatchesBruteForceOnRandomEmbeddings(int k)
    {
        var rng = new Random(11);
        var scorer = RandomScorer(rng);
        var (excluded, heldOut) = Fixtures.Split(rng, Users, Items, 0.1, 0.04);
        var report = RankingEvaluator.Evaluate(scorer, excluded, heldOut, new RankingOptions { K = k });
        BruteForce.AssertSame(BruteForce.Evaluate(scorer, excluded, heldOut, k), report);
        Assert.Equal(Enumerable.Range(0, Users).Count(u => heldOut[u].Length > 0), report.UsersEvaluated);
        Assert.Equal(Users - report.UsersEvaluated, report.UsersSkipped);
        Assert.True(report.UsersSkipped > 0);
    }

    [Fact]
    public void TiesFollowTheDocumentedOrder()
    {
        // Scores in {0, 1, 2}: most comparisons are ties, decided by lower item id.
        var table = new float[Users * Items];
        var rng = new Random(5);
        for (int i = 0; i < table.Length; i++) table[i] = rng.Next(3);
        var scorer = new DelegateScorer(Users, Items, (user, row) => table.AsSpan(user * Items, Items).CopyTo(row));
        var (excluded, heldOut) = Fixtures.Split(rng, Users, Items, 0.2, 0.05);
        var report = RankingEvaluator.Evaluate(scorer, excluded, heldOut, new RankingOptions { K = 10, BlockUsers = 4 });
        BruteForce.AssertSame(BruteForce.Evaluate(scorer, excluded, heldOut, 10), report);
    }

    [Fact]
    public void RecommendMatchesFullSortAndNeverShowsExcludedItems()
    {
        var rng = new Random(3);
        var scorer = RandomScorer(rng);
        var (excluded, _) = Fixtures.Split(rng, Users, Items, 0.3, 0);
        const int k = 17;
        var top = RankingEvaluator.Recommend(scorer, excluded, new RankingOptions { K = k, BlockUsers = 5 });
        var rankings = BruteForce.Rankings(scorer, excluded);
        for (int u = 0; u < Users; u++)
        {
            var row = top.AsSpan(u * k, k);
            Assert.Equal(rankings[u].Take(k), row.ToArray());
            foreach (int item in row) Assert.False(excluded[u].Contains(item), $"user {u} was recommended excluded item {item}");
        }
    }

    [Fact]
    public void ShortListsArePaddedWithMinusOne()
    {
        // 4 items, user 0 has items 0, 1 and 2 excluded: only item 3 remains.
        var scorer = new DelegateScorer(2, 4, (_, row) => row.Fill(1));
        var excluded = UserItemSets.FromPairs([0, 0, 0], [0, 1, 2], 2, 4);
        var top = RankingEvaluator.Recommend(scorer, excluded, new RankingOptions { K = 3 });
        Assert.Equal([3, -1, -1, 0, 1, 2], top);
    }

    [Fact]
    public void BlockSizeAndThreadCountDoNotChangeResults()
    {
        var rng = new Random(19);
        var scorer = RandomScorer(rng);
        var (excluded, heldOut) = Fixtures.Split(rng, Users, Items, 0.1, 0.05);
        var reference = RankingEvaluator.Evaluate(scorer, excluded, heldOut, new RankingOptions { Threads = 1, BlockUsers = Users });
        foreach (int blockUsers in new[] { 0, 1, 6, 13, 1000 })
        {
            var single = RankingEvaluator.Evaluate(scorer, excluded, heldOut, new RankingOptions { Threads = 1, BlockUsers = blockUsers });
            // Blocks change which users one matrix product covers: at most the product's float rounding
            // (none with today's Gemm, but a blocked kernel may round differently per shape).
            BruteForce.AssertSame(reference.Metrics.ToDictionary(), single, 1e-6);
            foreach (int threads in new[] { 2, 3 })
            {
                // More threads (and, with BlockUsers = 0, other automatic blocks): bit-identical.
                var threaded = RankingEvaluator.Evaluate(scorer, excluded, heldOut, new RankingOptions { Threads = threads, BlockUsers = blockUsers });
                Assert.Equal(single.Metrics.ToDictionary(), threaded.Metrics.ToDictionary());
            }
        }
    }

    [Fact]
    public void BadInputIsRejectedWithTheFix()
    {
        var scorer = new DelegateScorer(2, 3, (_, row) => row.Fill(0.5f));
        var excluded = UserItemSets.FromPairs([0], [1], 2, 3);
        var overlap = Assert.Throws<ArgumentException>("heldOut",
            () => RankingEvaluator.Evaluate(scorer, excluded, UserItemSets.FromPairs([0], [1], 2, 3)));
        Assert.Contains("Item 1 is both excluded and held out for user 0", overlap.Message);

        var mismatch = Assert.Throws<ArgumentException>("heldOut",
            () => RankingEvaluator.Evaluate(scorer, excluded, UserItemSets.FromPairs([0], [2], 2, 4)));
        Assert.Contains("4 items", mismatch.Message);

        var nothing = Assert.Throws<TandemException>(
            () => RankingEvaluator.Evaluate(scorer, excluded, UserItemSets.FromPairs([], [], 2, 3)));
        Assert.Contains("nothing to evaluate", nothing.Message);

        var nan = new DelegateScorer(2, 3, (user, row) => row.Fill(user == 1 ? float.NaN : 0));
        var error = Assert.Throws<TandemException>(
            () => RankingEvaluator.Evaluate(nan, excluded, UserItemSets.FromPairs([0, 1], [2, 2], 2, 3), new RankingOptions { Threads = 2, BlockUsers = 1 }));
        Assert.Contains("user 1 a NaN score", error.Message);

        Assert.Throws<ArgumentOutOfRangeException>("K", () => new RankingOptions { K = 0 });
        Assert.Throws<ArgumentOutOfRangeException>("BlockUsers", () => new RankingOptions { BlockUsers = -1 });
    }

    [Fact]
    public void ScorerExceptionsSurfaceUnwrapped()
    {
        var failing = new DelegateScorer(8, 3, (_, _) => throw new InvalidDataException("model file is corrupt"));
        var none = UserItemSets.FromPairs([], [], 8, 3);
        var held = UserItemSets.FromPairs([0, 5], [1, 1], 8, 3);
        var error = Assert.Throws<InvalidDataException>(
            () => RankingEvaluator.Evaluate(failing, none, held, new RankingOptions { Threads = 2, BlockUsers = 1 }));
        Assert.Equal("model file is corrupt", error.Message);
    }
}
