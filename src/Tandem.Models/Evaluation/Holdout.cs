using System.Globalization;
using Tandem.Data.Tables;
using Tandem.Evaluation.Ranking;

namespace Tandem.Models.Evaluation;

/// <summary>
/// The sets a full-catalogue evaluation needs, in one numbering: users are the log's user codes;
/// catalogue items are the model's item ids with a training interaction, numbered 0..N − 1 in
/// ascending key order (numeric when every key is an integer, so ties break by the smaller id as
/// in the reference); test items never seen in training get N..N + C − 1 ("cold"), which no
/// model can rank (score −∞) but which count in every recall denominator.
/// Immutable.
/// </summary>
public sealed class Holdout
{
    /// <summary>Builds the sets of the training and test rows for <paramref name="catalogue"/>; <paramref name="keyOfItemId"/> gives an item id's key.</summary>
    public Holdout(InteractionLog log, ReadOnlySpan<int> trainRows, ReadOnlySpan<int> testRows, ItemInputs catalogue, Func<int, string> keyOfItemId)
    {
        KeyOf = keyOfItemId;
        var keys = log.ItemKeys!;
        bool numeric = true;
        for (int c = 0; c < keys.Count && numeric; c++) numeric = long.TryParse(keys[c], NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        Comparison<string> compare = numeric ? (a, b) => long.Parse(a, CultureInfo.InvariantCulture).CompareTo(long.Parse(b, CultureInfo.InvariantCulture)) : string.CompareOrdinal;
        var ids = catalogue.Items.ToArray();
        var idKeys = ids.Select(keyOfItemId).ToArray();
        Array.Sort(idKeys, ids, Comparer<string>.Create(compare));
        CatalogueItems = ids;
        var indexOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < idKeys.Length; i++) indexOfKey[idKeys[i]] = i;
        var items = log.ItemCodes.ToArray();
        var users = log.UserCodes;
        UserCount = log.UserKeys!.Count;
        // Cold test items get their own indices after the catalogue.
        var cold = new Dictionary<int, int>();
        int Index(int row, bool test)
        {
            if (indexOfKey.TryGetValue(keys[items[row]], out int i)) return i;
            if (!test) throw new InvalidOperationException("A training item is missing from the catalogue.");
            if (!cold.TryGetValue(items[row], out int c)) cold[items[row]] = c = ids.Length + cold.Count;
            return c;
        }
        var trainUsers = new int[trainRows.Length];
        var trainItems = new int[trainRows.Length];
        for (int k = 0; k < trainRows.Length; k++) (trainUsers[k], trainItems[k]) = (users[trainRows[k]], Index(trainRows[k], false));
        // A repeat of a training interaction is not held out: its item is excluded from the user's ranking, so it could never be found.
        var seen = new HashSet<(int, int)>(trainRows.Length);
        for (int k = 0; k < trainRows.Length; k++) seen.Add((trainUsers[k], trainItems[k]));
        var testUsers = new List<int>(testRows.Length);
        var testItems = new List<int>(testRows.Length);
        foreach (int row in testRows)
        {
            int user = users[row], item = Index(row, true);
            if (seen.Contains((user, item))) continue;
            testUsers.Add(user);
            testItems.Add(item);
        }
        ColdItems = cold.Count;
        int total = ids.Length + ColdItems;
        Excluded = UserItemSets.FromPairs(trainUsers, trainItems, UserCount, total);
        HeldOut = UserItemSets.FromPairs(testUsers.ToArray(), testItems.ToArray(), UserCount, total);
        TrainCounts = new float[total];
        foreach (int i in trainItems) TrainCounts[i]++;
        for (int i = ids.Length; i < total; i++) TrainCounts[i] = float.NegativeInfinity;
    }

    /// <summary>The key of a model item id (as given to the constructor).</summary>
    public Func<int, string> KeyOf { get; }
    /// <summary>The model item id of each catalogue index 0..N − 1.</summary>
    public IReadOnlyList<int> CatalogueItems { get; }
    /// <summary>Held-out items never seen in training.</summary>
    public int ColdItems { get; }
    /// <summary>Users (the log's user codes).</summary>
    public int UserCount { get; }
    /// <summary>Each user's training items (excluded from their ranking).</summary>
    public UserItemSets Excluded { get; }
    /// <summary>Each user's test items.</summary>
    public UserItemSets HeldOut { get; }
    /// <summary>Training interactions per catalogue index (−∞ for cold items): the most-popular scores.</summary>
    public float[] TrainCounts { get; }

    /// <summary>The most-popular baseline over this catalogue.</summary>
    public IScorer MostPopular() => new MostPopularScorer(TrainCounts, UserCount);

    /// <summary>Inner products of user and catalogue embeddings, cold items at −∞.</summary>
    public IScorer Embeddings(float[] users, float[] items, int dimension) => new ColdPadded(new EmbeddingScorer(users, items, dimension), ColdItems);

    /// <summary>Every ranking metric of <paramref name="scorer"/> at cut-off <paramref name="k"/>.</summary>
    public RankingReport Evaluate(IScorer scorer, int k = 10) =>
        RankingEvaluator.Evaluate(scorer, Excluded, HeldOut, new RankingOptions { K = k });

    /// <summary>
    /// Every ranking metric of <paramref name="model"/>: each user's embedding (features and full
    /// training history) against every catalogue item's, training items excluded.
    /// </summary>
    public RankingReport Evaluate(TwoTowerModel model, UserInputs users, ItemInputs items, int k = 10)
    {
        var userIds = Enumerable.Range(0, users.UserCount).Where(users.HasTraining).ToArray();
        using var u = TwoTowerModel.Embed(model.User, TwoTowerModel.Chunks(userIds.Length, 1024).Select(c => users.Input(userIds.AsSpan(c.Start, c.Count))));
        using var v = model.EmbedItems(items, CatalogueItems);
        // Users without training rows (none under a per-user split) keep zero vectors: every score 0.
        int d = model.User.OutputDimension, vectors = model.User.Vectors, width = vectors * d;
        var all = new float[UserCount * width];
        for (int i = 0; i < userIds.Length; i++) u.Span.Slice(i * width, width).CopyTo(all.AsSpan(userIds[i] * width, width));
        if (vectors == 1) return Evaluate(Embeddings(all, v.Span.ToArray(), d), k);
        // Multi-interest users: an item's score is its best inner product with any of the user's vectors.
        return Evaluate(new ColdPadded(new MaxOfVectorsScorer(new EmbeddingScorer(all, v.Span.ToArray(), d), vectors), ColdItems), k);
    }

    /// <summary>A scorer's catalogue followed by <c>cold</c> items scored −∞.</summary>
    sealed class ColdPadded(IScorer inner, int cold) : IScorer
    {
        public int UserCount => inner.UserCount;
        public int ItemCount => inner.ItemCount + cold;

        public void Score(int firstUser, int userCount, Span<float> scores)
        {
            int n = inner.ItemCount, total = ItemCount;
            inner.Score(firstUser, userCount, scores[..(userCount * n)]);
            // Spread rows from the back so nothing is overwritten before it moves.
            for (int u = userCount - 1; u >= 0; u--)
            {
                scores.Slice(u * n, n).CopyTo(scores.Slice(u * total, n));
                scores.Slice(u * total + n, cold).Fill(float.NegativeInfinity);
            }
        }
    }
}
