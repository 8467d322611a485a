using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;
using Tandem.IO;
using Tandem.Tests;

namespace Tandem.Experiments.Tests;

public class Flickr8kExperimentTests
{
    [Fact]
    public void ShortTrainingOnTheRealPhotosRetrievesAboveChanceBothWays()
    {
        var options = new Flickr8kOptions { DataDir = Path.GetDirectoryName(SharedData.Dataset("flickr8k-1k")), Seeds = [42], Epochs = 5 };
        var losses = new Losses();
        var result = Flickr8kExperiment.Run(options, losses);
        var run = Assert.Single(result.Runs);
        Assert.Equal(100, result.TestImages);
        Assert.Equal(500, result.TestCaptions);
        Assert.Equal(5, losses.Count);
        Assert.True(losses[^1] < losses[0] - 0.2, $"loss went from {losses[0]} to {losses[^1]}");
        Assert.Equal(losses, run.EpochLoss);
        // Chance over 100 photos: Recall@10 = 0.1, mean rank 50.5; over 500 captions with 5 relevant: 1 - C(495,10)/C(500,10) ≈ 0.096.
        Assert.Equal(0.1, result.ChanceCaptionToImage.RecallAt10, 6);
        Assert.Equal(50.5, result.ChanceCaptionToImage.MeanRank, 6);
        Assert.Equal(0.0961, result.ChanceImageToCaption.RecallAt10, 3);
        Assert.True(run.CaptionToImage.RecallAt10 > 1.5 * result.ChanceCaptionToImage.RecallAt10, $"caption→image R@10 {run.CaptionToImage.RecallAt10}");
        Assert.True(run.CaptionToImage.MeanRank < 0.8 * result.ChanceCaptionToImage.MeanRank, $"caption→image mean rank {run.CaptionToImage.MeanRank}");
        Assert.True(run.ImageToCaption.RecallAt10 > 1.5 * result.ChanceImageToCaption.RecallAt10, $"image→caption R@10 {run.ImageToCaption.RecallAt10}");
    }

    /// <summary>The mean loss of each epoch, as the experiment reports it.</summary>
    sealed class Losses : List<double>, ITrainingObserver
    {
        public void OnEpochStart(int epoch, int epochs, long examples) => Assert.Equal(800, examples); // 16 whole batches of 50
        public void OnStep(double loss, int examples) => Assert.True(double.IsFinite(loss));
        public void OnEpochEnd(EpochRecord record) => Add(record.Loss);
    }
}
