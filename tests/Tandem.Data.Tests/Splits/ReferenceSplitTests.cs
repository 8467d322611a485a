using Tandem.Tests;
using Tandem.Data.Schema;
using Tandem.Data.Datasets;
using Tandem.Data.Tables;
using Tandem.Data.Splits;

namespace Tandem.Data.Tests.Splits;

public class ReferenceSplitTests
{
    /// <summary>ml-latest-small with the quickstart schema.</summary>
    static InteractionLog Load() => NamedDataset.Find("ml-latest-small").Load(SharedData.Root);

    [Fact]
    public void SplitMixMatchesTheReferenceChecks()
    {
        // bench/reference/README.md: seeded with 42 the first value is 13679457532755275413; with 0, 0xE220A8397B1DCDAF.
        Assert.Equal(13679457532755275413UL, new SplitMix64(42).Next());
        Assert.Equal(0xE220A8397B1DCDAFUL, new SplitMix64(0).Next());
    }

    [Fact]
    public void MovieLensSplitHasTheReferenceSizes()
    {
        var log = Load();
        var split = ReferenceSplit.Create(log, 42);
        // The reference's seed-42 split: 75,703 train and 25,133 test interactions.
        Assert.Equal(75_703, split.Train.Length);
        Assert.Equal(25_133, split.Test.Length);
        // User 1's first rows: movie 1 is test, movies 3 and 6 train.
        int user1 = Enumerable.Range(0, log.Count).First(r => log.UserKeys![log.UserCodes[r]] == "1");
        bool IsTest(string movie) => split.Test.Any(r => log.UserCodes[r] == log.UserCodes[user1] && log.ItemKeys![log.ItemCodes[r]] == movie);
        Assert.True(IsTest("1"));
        Assert.False(IsTest("3"));
        Assert.False(IsTest("6"));
    }

    [Fact]
    public void CarvedValidationSliceTakesATenthOfEachUsersTrainingRowsAndKeepsOneEach()
    {
        var log = Load();
        var split = ReferenceSplit.Create(log, 42);
        var carved = ReferenceSplit.Carve(log, split.Train, 0.1, 42);
        // A partition of the training rows: nothing from the test set, nothing lost or doubled.
        Assert.Equal(split.Train.Order(), carved.Train.Concat(carved.Test).Order());
        var perUser = split.Train.GroupBy(r => log.UserCodes[r]).ToDictionary(g => g.Key, g => g.Count());
        var heldOut = carved.Test.GroupBy(r => log.UserCodes[r]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (user, n) in perUser)
        {
            // round(0.1·n) half away from zero, e.g. n = 15 → 2 (1.5 rounds up), n = 14 → 1.
            int expected = (int)Math.Round(0.1 * n, MidpointRounding.AwayFromZero);
            Assert.Equal(expected, heldOut.GetValueOrDefault(user));
        }
        // The same seed carves the same slice; another seed another one.
        Assert.Equal(carved.Test, ReferenceSplit.Carve(log, split.Train, 0.1, 42).Test);
        Assert.NotEqual(carved.Test, ReferenceSplit.Carve(log, split.Train, 0.1, 43).Test);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceSplit.Carve(log, split.Train, 1, 42));
    }
}
