using System.Globalization;
using System.Text;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Models.Tests;

/// <summary>
/// A planted dataset: users in <c>groups</c> groups, each group liking one cluster of items
/// (items of cluster g carry genre "g{g}" and the title "item i of cluster g"); every user rates <c>perUser</c> items of their
/// cluster at increasing times. Written to a temporary folder as CSV and loaded.
/// </summary>
static class Planted
{
    public static FeatureSchema Schema(int maxLength = 5) => new SchemaBuilder()
        .Interactions(user: "user", item: "item", timestamp: "time")
        .Id("user", "user", Tower.User)
        .Id("item", "item", Tower.Item)
        .MultiCategorical("genres", "genres", Tower.Item)
        .Sequence("history", "item", maxLength: maxLength)
        .Build("planted");

    public static InteractionLog Log(int groups = 4, int usersPerGroup = 12, int itemsPerCluster = 10, int perUser = 8, int seed = 3, FeatureSchema? schema = null)
    {
        var rng = new Random(seed);
        string dir = Path.Combine(Path.GetTempPath(), "tandem-planted-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var ratings = new StringBuilder("user,item,time\n");
        long time = 1_000_000;
        for (int g = 0; g < groups; g++)
            for (int u = 0; u < usersPerGroup; u++)
            {
                var items = Enumerable.Range(g * itemsPerCluster, itemsPerCluster).OrderBy(_ => rng.Next()).Take(perUser);
                foreach (int i in items) ratings.Append(CultureInfo.InvariantCulture, $"u{g * usersPerGroup + u},{i},{time += 60}\n");
            }
        var movies = new StringBuilder("item,genres,title\n");
        for (int i = 0; i < groups * itemsPerCluster; i++) movies.Append(CultureInfo.InvariantCulture, $"{i},g{i / itemsPerCluster}|all,item {i} of cluster {i / itemsPerCluster}\n");
        File.WriteAllText(Path.Combine(dir, "ratings.csv"), ratings.ToString());
        File.WriteAllText(Path.Combine(dir, "items.csv"), movies.ToString());
        try
        {
            return InteractionLog.Load(schema ?? Schema(), Path.Combine(dir, "ratings.csv"), null, Path.Combine(dir, "items.csv"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
