using Tandem.Data.Splits;
using Tandem.Data.Tables;
using Tandem.Data.Tests.Datasets;

namespace Tandem.Data.Tests.Splits;

public class SplitterTests
{
    static InteractionLog Log => MovieLensTests.Small.Value;

    static void AssertPartition(Split split, int[] all)
    {
        Assert.Equal(all.Length, split.Train.Length + split.Test.Length);
        Assert.Equal(all.Order(), split.Train.Concat(split.Test).Order());
        Assert.True(split.Train.SequenceEqual(split.Train.Order()));
        Assert.True(split.Test.SequenceEqual(split.Test.Order()));
    }

    static int[] AllRows => Enumerable.Range(0, Log.Count).ToArray();

    [Fact]
    public void PerUserRandomTakesTheRatioOfEachUser()
    {
        var split = Splitter.PerUserRandom(Log, 0.2, seed: 7);
        AssertPartition(split, AllRows);
        var users = Log.UserCodes.ToArray();
        var perUser = users.GroupBy(u => u).ToDictionary(g => g.Key, g => g.Count());
        var testPerUser = split.Test.GroupBy(i => users[i]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (user, n) in perUser)
            Assert.Equal((int)Math.Floor(0.2 * n), testPerUser.GetValueOrDefault(user));
        Assert.Equal(perUser.Count, split.Train.Select(i => users[i]).Distinct().Count()); // every user keeps training data
    }

    [Fact]
    public void PerUserRandomIsDeterministicBySeed()
    {
        var a = Splitter.PerUserRandom(Log, 0.2, seed: 7);
        var b = Splitter.PerUserRandom(Log, 0.2, seed: 7);
        var c = Splitter.PerUserRandom(Log, 0.2, seed: 8);
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, c.Test);
        Assert.Equal(a.Test.Length, c.Test.Length);
    }

    [Fact]
    public void TemporalCutoffSplitsByTime()
    {
        long cutoff = Splitter.TemporalCutoff(Log, 0.1);
        var split = Splitter.Temporal(Log, cutoff);
        AssertPartition(split, AllRows);
        var ts = Log.Timestamps!;
        Assert.All(split.Train, i => Assert.True(ts[i] < cutoff));
        Assert.All(split.Test, i => Assert.True(ts[i] >= cutoff));
        Assert.InRange(split.Test.Length, 0.1 * Log.Count - 100, 0.1 * Log.Count + 100); // ties at the cut-off second
    }

    [Fact]
    public void LeaveLastOutHoldsEachUsersNewest()
    {
        var split = Splitter.LeaveLastOut(Log);
        AssertPartition(split, AllRows);
        var users = Log.UserCodes.ToArray();
        var ts = Log.Timestamps!;
        Assert.Equal(610, split.Test.Length); // every ml-latest-small user has at least 20 ratings
        Assert.Equal(610, split.Test.Select(i => users[i]).Distinct().Count());
        var newestTrain = split.Train.GroupBy(i => users[i]).ToDictionary(g => g.Key, g => g.Max(i => ts[i]));
        Assert.All(split.Test, i => Assert.True(ts[i] >= newestTrain[users[i]]));
    }

    [Fact]
    public void ColdStartItemsNeverAppearInTraining()
    {
        var split = Splitter.ColdStartItems(Log, 0.1, seed: 3);
        AssertPartition(split, AllRows);
        var items = Log.ItemCodes.ToArray();
        var trainItems = split.Train.Select(i => items[i]).ToHashSet();
        var testItems = split.Test.Select(i => items[i]).ToHashSet();
        Assert.Empty(trainItems.Intersect(testItems));
        Assert.Equal((int)Math.Round(0.1 * 9_724), testItems.Count);
        Assert.Equal(split.Test, Splitter.ColdStartItems(Log, 0.1, seed: 3).Test);
        Assert.NotEqual(split.Test, Splitter.ColdStartItems(Log, 0.1, seed: 4).Test);
    }

    [Fact]
    public void ValidationIsCarvedFromTrainingTheSameWay()
    {
        var outer = Splitter.ColdStartItems(Log, 0.1, seed: 3);
        var inner = Splitter.ColdStartItems(Log, 0.1, seed: 5, outer.Train);
        AssertPartition(inner, outer.Train);
        Assert.Empty(inner.Test.Intersect(outer.Test));
        var items = Log.ItemCodes.ToArray();
        Assert.Empty(inner.Train.Select(i => items[i]).Intersect(inner.Test.Select(i => items[i])));

        var byUser = Splitter.LeaveLastOut(Log);
        var val = Splitter.LeaveLastOut(Log, byUser.Train);
        AssertPartition(val, byUser.Train);
        Assert.Equal(610, val.Test.Length);
    }

    [Fact]
    public void SplitsNeedingTimeSayWhatIsMissing()
    {
        var schema = new Tandem.Data.Schema.SchemaBuilder().Interactions(user: "u", item: "i").Build();
        string path = TestData.File("r.csv", "u,i\na,x\na,y\n");
        var log = InteractionLog.Load(schema, path);
        var e = Assert.Throws<DataException>(() => Splitter.LeaveLastOut(log));
        Assert.Equal($"{path}: this split needs the interactions' timestamp column; set \"timestamp\" under \"interactions\"", e.Message);
    }
}
