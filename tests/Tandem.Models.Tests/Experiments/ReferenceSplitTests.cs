using Tandem.Data.Datasets;
using Tandem.Models.Experiments;

namespace Tandem.Models.Tests.Experiments;

public class ReferenceSplitTests
{
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
        string? dir = MovieLensExperiment.DataDirectory(null);
        if (dir is null || !File.Exists(Path.Combine(dir, "ml-latest-small", "ratings.csv"))) return; // data not present on this machine
        var log = MovieLens.Load(MovieLensVariant.LatestSmall, MovieLensExperiment.Schema(), dir);
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
}
