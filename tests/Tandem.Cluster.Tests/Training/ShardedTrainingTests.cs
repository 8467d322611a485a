using System.Globalization;
using Tandem.Cluster.Training;
using Tandem.Tests;

namespace Tandem.Cluster.Tests.Training;

public sealed class ShardedTrainingTests
{
    [Fact]
    public void TheShardedUpdateEndsWithTheParametersOfTheUnshardedOneOnMovieLens()
    {
        // ml-latest-small's ratings; a rating of 4 or more is a click.
        var rows = File.ReadLines(Path.Combine(SharedData.Root, "ml-latest-small", "ratings.csv")).Skip(1).Select(line => line.Split(',')).ToArray();
        var users = new Dictionary<string, int>();
        var items = new Dictionary<string, int>();
        var clicks = rows.Select(r => new Click(Row(users, r[0]), Row(items, r[1]), double.Parse(r[2], CultureInfo.InvariantCulture) >= 4 ? 1 : 0)).ToArray();
        new Random(7).Shuffle(clicks);
        const int d = 16, workers = 4, batch = 256, steps = 30;
        var unsharded = new FactorModel(users.Count, items.Count, d, seed: 3);
        var sharded = new FactorModel(users.Count, items.Count, d, seed: 3);
        for (int step = 0; step < steps; step++)
        {
            var batches = Enumerable.Range(0, workers).Select(w => clicks.AsSpan((step * workers + w) * batch, batch).ToArray()).ToArray();
            ShardedTraining.UnshardedStep(unsharded, batches, rate: 0.5f);
            ShardedTraining.ShardedStep(sharded, batches, shards: 5, rate: 0.5f);
        }
        Assert.True(MaxDifference(unsharded.Users, sharded.Users) < 1e-6f);
        Assert.True(MaxDifference(unsharded.Items, sharded.Items) < 1e-6f);
        Assert.True(MaxDifference(unsharded.Dense, sharded.Dense) < 1e-6f);
        // And the step did train: the parameters moved from their start.
        Assert.True(MaxDifference(sharded.Items, new FactorModel(users.Count, items.Count, d, seed: 3).Items) > 1e-2f);
    }

    static int Row(Dictionary<string, int> rows, string key) => rows.TryGetValue(key, out int row) ? row : rows[key] = rows.Count;

    static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => MathF.Abs(x - y)).Max();
}
