using Tandem.Experiments;
using Tandem.Models.Reranking;
using Tandem.Tests;

namespace Tandem.Experiments.Tests;

public class Flickr8kRerankTests
{
    [Fact]
    public void TheCrossEncoderTrainsOnHardNegativesAndReranksTheTopTwentyQuickly()
    {
        var options = new Flickr8kOptions
        {
            DataDir = Path.GetDirectoryName(SharedData.Dataset("flickr8k-1k")), Seeds = [42], Epochs = 5,
            RerankTop = 20, CrossEncoder = new CrossEncoderOptions { Epochs = 6, Patience = 0 },
        };
        var run = Assert.Single(Flickr8kExperiment.Run(options).Runs);
        var r = Assert.IsType<Flickr8kRerankRun>(run.Rerank);
        Console.WriteLine(Flickr8kRerankReport.Line(42, r));
        // The first stage's metrics are the experiment's own caption→image evaluation of the same test photos.
        Assert.Equal(run.CaptionToImage.RecallAt10, r.TwoTower.RecallAt10, 6);
        Assert.Equal(run.CaptionToImage.MeanRank, r.TwoTower.MeanRank, 6);
        Assert.Equal(6, r.Epochs);
        Assert.InRange(r.ValidationMrr, 0.05, 1);
        Assert.InRange(r.FirstStageRecall, r.TwoTower.RecallAt10, 1);
        // Re-ranking moves photos only inside the top 20: what was found there stays found.
        Assert.True(r.Reranked.RecallAt10 <= r.FirstStageRecall + 1e-9);
        Assert.True(r.MillisecondsPerQuery < 10, $"{r.MillisecondsPerQuery} ms to re-rank 20 photos");
    }
}
