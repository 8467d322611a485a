using Tandem.Evaluation.Baselines;
using Tandem.Evaluation.Ranking;

namespace Tandem.Evaluation.Tests.Baselines;

public class BprTests
{
    [Fact]
    public void RecoversThePlantedItems()
    {
        var (train, test) = PlantedData.Create(seed: 2);
        var model = new Bpr(train, new BprOptions { Dimension = 8, Seed = 7 });
        double before = PlantedData.Recovered(model.Scorer(), train, test);
        for (int e = 0; e < 60; e++) model.Epoch();
        double after = PlantedData.Recovered(model.Scorer(), train, test);
        // Random factors find about 3 in 53 unseen items; trained ones nearly all of the group's.
        Assert.True(before < 0.3, $"before training {before}");
        Assert.True(after >= 0.9, $"after training {after}");
    }

    [Fact]
    public void IsAFunctionOfTheSeed()
    {
        var (train, _) = PlantedData.Create(seed: 2);
        float[] Scores(int seed)
        {
            var model = new Bpr(train, new BprOptions { Dimension = 4, Seed = seed });
            model.Epoch();
            var scores = new float[train.UserCount * train.ItemCount];
            model.Scorer().Score(0, train.UserCount, scores);
            return scores;
        }
        Assert.Equal(Scores(3), Scores(3));
        Assert.NotEqual(Scores(3), Scores(4));
    }
}
