using Tandem.Tests;
using Tandem.Data.Datasets;

namespace Tandem.Data.Tests.Datasets;

public class Flickr8kTests
{
    [Fact]
    public void TheRealSubsetHasAThousandPhotosWithFiveCaptionsEach()
    {
        var data = Flickr8k.Load(SharedData.Root);
        Assert.Equal(1000, data.Images.Count);
        Assert.All(data.Captions, c => Assert.Equal(5, c.Length));
        // captions.txt line 2: the first photo and its first caption
        Assert.Equal("1000268201_693b08cb0e.jpg", data.Images[0]);
        Assert.Equal("A child in a pink dress is climbing up a set of stairs in an entry way .", data.Captions[0][0]);
        // A quoted caption keeps its comma.
        int dog = data.Images.ToList().IndexOf("1012212859_01547e3f17.jpg");
        Assert.Contains("A dog shakes its head near the shore , a red ball next to it .", data.Captions[dog]);
        Assert.True(File.Exists(data.ImagePath(0)));
    }

    [Fact]
    public void TheSplitIsSeededDisjointAndCoversEveryPhoto()
    {
        var data = Flickr8k.Load(SharedData.Root);
        var (train, validation, test) = data.Split(42);
        Assert.Equal((800, 100, 100), (train.Length, validation.Length, test.Length));
        Assert.Equal(Enumerable.Range(0, 1000), train.Concat(validation).Concat(test).Order());
        Assert.Equal(test, data.Split(42).Test);
        Assert.NotEqual(test, data.Split(43).Test);
    }

    [Fact]
    public void AMissingPhotoIsNamedWithItsLine()
    {
        string dir = TestData.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, Flickr8k.Name, "images"));
        File.WriteAllText(Path.Combine(dir, Flickr8k.Name, "captions.txt"), "image,caption\nmissing.jpg,A cat .\n");
        var e = Assert.Throws<DataException>(() => Flickr8k.Load(dir));
        Assert.Contains("captions.txt:2", e.Message);
        Assert.Contains("'missing.jpg'", e.Message);
    }

    [Fact]
    public void AMissingCaptionColumnIsNamed()
    {
        string dir = TestData.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, Flickr8k.Name));
        File.WriteAllText(Path.Combine(dir, Flickr8k.Name, "captions.txt"), "image,text\na.jpg,A cat .\n");
        Assert.Contains("missing column 'caption'", Assert.Throws<DataException>(() => Flickr8k.Load(dir)).Message);
    }
}
