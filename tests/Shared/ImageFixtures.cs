using Tandem.Data.Images;

namespace Tandem.Tests;

/// <summary>Real images from the shared datasets.</summary>
static class ImageFixtures
{
    /// <summary>The first four Flickr8k photos and the first four MovieLens posters, by file name.</summary>
    public static ImageSource[] RealImages()
    {
        var photos = Directory.GetFiles(Path.Combine(SharedData.Dataset("flickr8k-1k"), "images"), "*.jpg").Order().Take(4);
        var posters = Directory.GetFiles(SharedData.Dataset("ml-latest-small-posters"), "*.jpg").Order().Take(4);
        return photos.Concat(posters).Select(p => new ImageSource(Path.GetFileNameWithoutExtension(p), p)).ToArray();
    }
}
