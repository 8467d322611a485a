using Tandem.Tests;
using Tandem.Data.Datasets;
using static Tandem.Cli.Tests.CliRun;
using Tandem.Experiments;
using Tandem.Data.Splits;
using Tandem.Models.Training;

namespace Tandem.Cli.Tests;

public sealed class ContentExperimentCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-experiment-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Flickr8kWritesTheTableAndChartFromTheRealPhotos()
    {
        string data = SharedData.Root;
        var (code, output, error) = Run("experiment", "flickr8k", "--data-dir", data, "--seeds", "7", "--epochs", "1", "--image-size", "16", "--out", directory);
        Assert.True(code == 0, error);
        Assert.Contains("1000 photos, 5000 captions", output);
        Assert.Contains("| Recall@10 |", output);
        string report = File.ReadAllText(Path.Combine(directory, Flickr8kCommand.ReportFile));
        Assert.Contains("| metric | caption → image | chance | image → caption | chance |", report);
        Assert.Contains("| Recall@10 | ", report);
        Assert.Contains("| 0.100 |", report); // chance Recall@10 over 100 test photos
        var png = File.ReadAllBytes(Path.Combine(directory, Flickr8kCommand.PlotFile));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(File.Exists(Path.Combine(directory, Flickr8kCommand.CacheFile)));
    }

    [Theory]
    [InlineData("--seeds", "4x", "'4x' is not an integer")]
    [InlineData("--epochs", "0", "--epochs is 0")]
    [InlineData("--image-size", "4", "--image-size is 4")]
    public void BadOptionsAreOneLineErrors(string option, string value, string message)
    {
        var (code, _, error) = Run("experiment", "flickr8k", "--data-dir", directory, option, value, "--out", directory);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("--arms", "ids,posters", "--arms: unknown arm \"posters\"")]
    [InlineData("--seeds", "1,b", "'b' is not an integer")]
    [InlineData("--image-size", "2", "--image-size is 2")]
    public void MultiModalBadOptionsAreOneLineErrors(string option, string value, string message)
    {
        var (code, _, error) = Run("experiment", "movielens-multimodal", "--data-dir", directory, option, value, "--out", directory);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
