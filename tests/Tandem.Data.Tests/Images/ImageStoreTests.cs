using Tandem.Data.Images;
using Tandem.Tests;
using static Tandem.Tests.ImageFixtures;

namespace Tandem.Data.Tests.Images;

/// <summary>The image pipeline on real JPEGs: Flickr8k photos and MovieLens posters.</summary>
public class ImageStoreTests
{
    static readonly ImageOptions Small = new() { Size = 16 };

    [Fact]
    public void RealJpegsDecodeIntoNormalisedDistinctImages()
    {
        var sources = RealImages();
        var store = ImageStore.Build(sources, Small);
        Assert.Equal(8, store.Count);
        Assert.False(store.FromCache);
        for (int i = 0; i < store.Count; i++)
        {
            Assert.True(store.HasImage(i));
            var px = store.Pixels(i).ToArray();
            Assert.Equal(3 * 16 * 16, px.Length);
            // Normalised values lie in [(0 - mean)/std, (1 - mean)/std] per channel; with ImageNet's that is within [-2.2, 2.7].
            Assert.All(px, v => Assert.InRange(v, -2.2f, 2.7f));
            Assert.True(px.Max() - px.Min() > 1, $"image {sources[i].Path} is flat");
        }
        Assert.NotEqual(store.Pixels(0).ToArray(), store.Pixels(1).ToArray());
    }

    [Fact]
    public void TheCacheFileIsReusedUntilTheOptionsChangeAndRebuiltWhenDamaged()
    {
        using var temp = new TempDirectory();
        string cache = temp.File("images.tandem");
        var sources = RealImages();
        var built = ImageStore.Build(sources, Small, cache);
        Assert.True(File.Exists(cache));
        var again = ImageStore.Build(sources, Small, cache);
        Assert.True(again.FromCache);
        for (int i = 0; i < sources.Length; i++) Assert.Equal(built.Pixels(i).ToArray(), again.Pixels(i).ToArray());

        Assert.False(ImageStore.Build(sources, Small with { Size = 8 }, cache).FromCache);
        Assert.True(ImageStore.Build(sources, Small with { Size = 8 }, cache).FromCache);

        var bytes = File.ReadAllBytes(cache);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(cache, bytes);
        var rebuilt = ImageStore.Build(sources, Small with { Size = 8 }, cache);
        Assert.False(rebuilt.FromCache);
        Assert.True(ImageStore.Build(sources, Small with { Size = 8 }, cache).FromCache);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp")); // written via temp + rename
    }

    [Fact]
    public void AMissingOrCorruptImageIsAnErrorNamingTheItemAndFile()
    {
        using var temp = new TempDirectory();
        string missing = temp.File("nowhere.jpg");
        var e = Assert.Throws<ImageException>(() => ImageStore.Build([.. RealImages()[..1], new ImageSource("movie 42", missing)], Small));
        Assert.Contains("'movie 42'", e.Message);
        Assert.Contains(missing, e.Message);
        Assert.Contains("does not exist", e.Message);

        string corrupt = temp.File("corrupt.jpg");
        var jpeg = File.ReadAllBytes(RealImages()[0].Path!);
        File.WriteAllBytes(corrupt, [.. "not a jpeg"u8.ToArray(), .. jpeg.AsSpan(0, 100)]);
        var c = Assert.Throws<ImageException>(() => ImageStore.Build([new ImageSource("photo 7", corrupt)], Small));
        Assert.Contains("'photo 7'", c.Message);
        Assert.Contains(corrupt, c.Message);
        Assert.Contains("not a decodable", c.Message);
    }

    [Fact]
    public void MaskedMissingImagesAreZerosWithoutAnImage()
    {
        using var temp = new TempDirectory();
        string corrupt = temp.File("corrupt.png");
        File.WriteAllText(corrupt, "garbage");
        var real = RealImages()[0];
        var store = ImageStore.Build([real, new ImageSource("gone", temp.File("gone.jpg")), new ImageSource("bad", corrupt), new ImageSource("none", null)],
            Small with { Missing = MissingImages.Mask });
        Assert.True(store.HasImage(0));
        Assert.Equal(3, store.MissingCount);
        for (int i = 1; i < 4; i++)
        {
            Assert.False(store.HasImage(i));
            Assert.All(store.Pixels(i).ToArray(), v => Assert.Equal(0, v));
        }
    }
}
