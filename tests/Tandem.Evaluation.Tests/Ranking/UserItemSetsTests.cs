using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Ranking;

public class UserItemSetsTests
{
    [Fact]
    public void PairsBecomeSortedDistinctSetsPerUser()
    {
        var sets = UserItemSets.FromPairs([2, 0, 2, 2, 0], [7, 3, 1, 7, 5], 4, 8);
        Assert.Equal(4, sets.UserCount);
        Assert.Equal(8, sets.ItemCount);
        Assert.Equal(4, sets.TotalCount); // (2, 7) is given twice and kept once
        Assert.Equal([3, 5], sets[0].ToArray());
        Assert.True(sets[1].IsEmpty);
        Assert.Equal([1, 7], sets[2].ToArray());
        Assert.True(sets[3].IsEmpty);
        Assert.Equal(2, sets.Start(2));
    }

    [Fact]
    public void IdsOutsideTheirRangeAreNamed()
    {
        var user = Assert.Throws<ArgumentException>("users", () => UserItemSets.FromPairs([0, 3], [1, 1], 3, 4));
        Assert.Contains("users[1] is 3", user.Message);
        var item = Assert.Throws<ArgumentException>("items", () => UserItemSets.FromPairs([0], [-1], 3, 4));
        Assert.Contains("items[0] is -1", item.Message);
        Assert.Throws<ArgumentException>("items", () => UserItemSets.FromPairs([0, 1], [1], 3, 4));
    }
}
