using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Baselines;

/// <summary>
/// A planted low-rank dataset: users and items fall into <c>groups</c> tastes; each user trains on
/// <c>trained</c> random items of their group plus one random item of another group (noise), and holds
/// out the rest of their group's items. A model that recovers the structure ranks the held-out items first.
/// </summary>
static class PlantedData
{
    public const int Groups = 6, ItemsPerGroup = 10, UsersPerGroup = 20, Trained = 7, HeldOut = ItemsPerGroup - Trained;

    public static (UserItemSets Train, UserItemSets Test) Create(int seed)
    {
        var rng = new Random(seed);
        List<int> trainUsers = [], trainItems = [], testUsers = [], testItems = [];
        int users = Groups * UsersPerGroup, items = Groups * ItemsPerGroup;
        for (int u = 0; u < users; u++)
        {
            int group = u / UsersPerGroup;
            var mine = Enumerable.Range(group * ItemsPerGroup, ItemsPerGroup).ToArray();
            rng.Shuffle(mine);
            for (int i = 0; i < ItemsPerGroup; i++)
                (i < Trained ? trainItems : testItems).Add(mine[i]);
            trainUsers.AddRange(Enumerable.Repeat(u, Trained));
            testUsers.AddRange(Enumerable.Repeat(u, HeldOut));
            int other = (group + 1 + rng.Next(Groups - 1)) % Groups;
            trainUsers.Add(u);
            trainItems.Add(other * ItemsPerGroup + rng.Next(ItemsPerGroup));
        }
        return (UserItemSets.FromPairs(trainUsers.ToArray(), trainItems.ToArray(), users, items),
                UserItemSets.FromPairs(testUsers.ToArray(), testItems.ToArray(), users, items));
    }

    /// <summary>Recall@<see cref="HeldOut"/>: the share of held-out items in each user's first <see cref="HeldOut"/> recommendations.</summary>
    public static double Recovered(IScorer scorer, UserItemSets train, UserItemSets test) =>
        RankingEvaluator.Evaluate(scorer, train, test, new RankingOptions { K = HeldOut })[MetricNames.Recall(HeldOut)];
}
