using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.Histories;
using Tandem.Data.Splits;
using Tandem.Data.Tests.Datasets;

namespace Tandem.Data.Tests.Histories;

public class CausalHistoryTests
{
    [Fact]
    public void EveryHistoryOnMlLatestSmallHoldsOnlyEarlierEventsOfTheSameUser()
    {
        var log = MovieLensTests.Small.Value;
        var all = Enumerable.Range(0, log.Count).ToArray();
        var index = HistoryIndex.Build(log, all);
        var users = log.UserCodes.ToArray();
        var ts = log.Timestamps!;
        // Brute-force reference: per user, the count of their events strictly before t.
        var byUser = all.GroupBy(i => users[i]).ToDictionary(g => g.Key, g => g.Select(i => ts[i]).Order().ToArray());
        long total = 0, violations = 0, wrongLengths = 0;
        for (int i = 0; i < log.Count; i++)
        {
            var history = index.Before(users[i], ts[i]);
            foreach (int e in history)
                // Strictly earlier and the same user: the target and same-second events are out.
                if (!(ts[e] < ts[i]) || users[e] != users[i] || e == i) violations++;
            var times = byUser[users[i]];
            int expected = 0;
            while (expected < times.Length && times[expected] < ts[i]) expected++;
            if (expected != history.Length) wrongLengths++;
            total += history.Length;
        }
        Assert.Equal(0, violations);
        Assert.Equal(0, wrongLengths);
        Assert.True(total > 1_000_000, $"{total}"); // non-trivial: users have long histories
    }

    [Fact]
    public void SequenceBatchesNeverContainTheTargetOrLaterEvents()
    {
        var log = MovieLensTests.Small.Value;
        var split = Splitter.LeaveLastOut(log);
        var fitted = FittedFeatures.Fit(log, split.Train);
        var data = fitted.Encode(log, split.Train);
        var vocabulary = ((CategoricalEncoder)fitted["history"]).Vocabulary!;
        var items = log.ItemCodes.ToArray();
        var users = log.UserCodes.ToArray();
        var ts = log.Timestamps!;
        var index = HistoryIndex.Build(log, split.Train);
        var batch = data.CreateBatch();
        int max = log.Schema["history"].MaxLength;
        int checkedEvents = 0;
        foreach (var rows in split.Test.Chunk(128))
        {
            data.Fill(batch, rows);
            var h = batch["history"];
            for (int b = 0; b < rows.Length; b++)
            {
                int i = rows[b];
                var expected = index.Before(users[i], ts[i]);
                Assert.Equal(Math.Min(expected.Length, max), h.Lengths[b]);
                for (int j = 0; j < h.Lengths[b]; j++)
                {
                    int e = expected[expected.Length - 1 - j]; // most recent first
                    Assert.Equal(vocabulary[log.ItemKeys![items[e]]], h.Ids[b * max + j]);
                    float hours = (ts[i] - ts[e]) / 3600f;
                    Assert.Equal(MathF.Log(1 + hours), h.Values![b, j], 1e-3f);
                    Assert.True(ts[e] < ts[i]);
                    checkedEvents++;
                }
                for (int j = h.Lengths[b]; j < max; j++) Assert.Equal(0, h.Ids[b * max + j]);
            }
        }
        Assert.True(checkedEvents > 10_000);
    }

    [Fact]
    public void TestEventsNeverEnterTrainingHistories()
    {
        var log = MovieLensTests.Small.Value;
        var split = Splitter.PerUserRandom(log, 0.2, seed: 1);
        var index = HistoryIndex.Build(log, split.Train);
        var isTest = new bool[log.Count];
        foreach (int i in split.Test) isTest[i] = true;
        var users = log.UserCodes.ToArray();
        var ts = log.Timestamps!;
        foreach (int i in split.Train.Concat(split.Test))
            foreach (int e in index.Before(users[i], ts[i]))
                Assert.False(isTest[e]);
    }
}
