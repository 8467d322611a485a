using Tandem.Tests;
using System.Globalization;
using Tandem.Evaluation.Ranking;
using Xunit.Abstractions;

namespace Tandem.Evaluation.Tests.Ranking;

/// <summary>
/// The most-popular baseline on ml-latest-small through the harness, checked against a direct
/// computation. Protocol (docs/metrics.md): every rating is an interaction; users and movies are
/// numbered in ascending id order; for each user in ascending id order their movies (file order)
/// are shuffled by Fisher–Yates with one <c>new Random(42)</c> shared across users, and the first
/// floor(n / 4) go to test, the rest to training.
/// </summary>
public class MovieLensBaselineTests(ITestOutputHelper output)
{
    const int K = 10;

    [Fact]
    public void MostPopularThroughTheHarnessMatchesADirectComputation()
    {
        var (train, test) = Split(Path.Combine(SharedData.Dataset("ml-latest-small"), "ratings.csv"));
        var scorer = MostPopularScorer.FromTraining(train);
        var report = RankingEvaluator.Evaluate(scorer, train, test, new RankingOptions { K = K });
        output.WriteLine(report.ToString());

        // Direct: rank each user's unseen movies by training popularity (ties: lower index first).
        var popularity = scorer.Popularity.ToArray();
        double recall = 0, ndcg = 0;
        int users = 0;
        for (int u = 0; u < train.UserCount; u++)
        {
            var held = test[u].ToArray();
            if (held.Length == 0) continue;
            users++;
            var seen = train[u].ToArray();
            var top = Enumerable.Range(0, train.ItemCount)
                .Where(i => Array.BinarySearch(seen, i) < 0)
                .OrderByDescending(i => popularity[i]).ThenBy(i => i)
                .Take(K).ToArray();
            double dcg = 0, idcg = 0;
            int hits = 0;
            for (int p = 0; p < top.Length; p++)
                if (Array.BinarySearch(held, top[p]) >= 0) { hits++; dcg += 1 / Math.Log2(p + 2); }
            for (int p = 0; p < Math.Min(held.Length, K); p++) idcg += 1 / Math.Log2(p + 2);
            recall += (double)hits / held.Length;
            ndcg += dcg / idcg;
        }
        recall /= users;
        ndcg /= users;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct: Recall@10 {recall:0.000000}, NDCG@10 {ndcg:0.000000} over {users} users"));

        Assert.Equal(610, report.UsersEvaluated);
        Assert.True(Enumerable.Range(0, test.UserCount).All(u => test[u].Length >= 5), "every user rated at least 20 movies, so holds out at least 5");
        Assert.Equal(users, report.UsersEvaluated);
        foreach (double value in new[] { report["Recall@10"], report["NDCG@10"] })
            Assert.True(double.IsFinite(value) && value is > 0 and < 1, $"{value} is not in (0, 1)");
        Assert.Equal(recall, report["Recall@10"], 12);
        Assert.Equal(ndcg, report["NDCG@10"], 12);

        // docs/metrics.md quotes these figures; they must be the harness's.
        string docs = File.ReadAllText(Path.Combine(Repository.Root(), "docs", "metrics.md"));
        foreach (var (name, format) in new[] { ("Recall@10", "0.0000"), ("HitRate@10", "0.0000"), ("NDCG@10", "0.0000"), ("MAP@10", "0.0000"),
                     ("MRR", "0.0000"), ("MeanRank", "0.00"), ("MedianRank", "0.##"), ("Coverage@10", "0.0000") })
            Assert.Contains($"| {name} | {report[name].ToString(format, CultureInfo.InvariantCulture)} |", docs);
    }

    /// <summary>The per-user 75/25 split of the protocol above.</summary>
    static (UserItemSets Train, UserItemSets Test) Split(string ratingsPath)
    {
        var byUser = new SortedDictionary<int, List<int>>();
        var movies = new SortedSet<int>();
        foreach (string line in File.ReadLines(ratingsPath).Skip(1))
        {
            var fields = line.Split(',');
            int user = int.Parse(fields[0], CultureInfo.InvariantCulture), movie = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!byUser.TryGetValue(user, out var list)) byUser[user] = list = [];
            list.Add(movie);
            movies.Add(movie);
        }
        var movieIndex = movies.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        var rng = new Random(42);
        List<int> trainUsers = [], trainItems = [], testUsers = [], testItems = [];
        int userIndex = 0;
        foreach (var list in byUser.Values)
        {
            for (int i = list.Count - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
            int testCount = list.Count / 4;
            for (int i = 0; i < list.Count; i++)
            {
                var (users, items) = i < testCount ? (testUsers, testItems) : (trainUsers, trainItems);
                users.Add(userIndex);
                items.Add(movieIndex[list[i]]);
            }
            userIndex++;
        }
        return (UserItemSets.FromPairs(trainUsers.ToArray(), trainItems.ToArray(), userIndex, movies.Count),
                UserItemSets.FromPairs(testUsers.ToArray(), testItems.ToArray(), userIndex, movies.Count));
    }
}
