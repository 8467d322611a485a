using Tandem.Data.Datasets;
using Tandem.Data.Images;

namespace Tandem.Tests;

/// <summary>Real images from the shared datasets.</summary>
static class ImageFixtures
{
    public static string Dataset(string name)
    {
        string? dir = DataDirectory.Resolve(null);
        string path = dir is null ? "" : Path.Combine(dir, name);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"{name} is missing; set TANDEM_DATA to the shared datasets directory.");
        return path;
    }

    /// <summary>The first four Flickr8k photos and the first four MovieLens posters, by file name.</summary>
    public static ImageSource[] RealImages()
    {
        var photos = Directory.GetFiles(Path.Combine(Dataset("flickr8k-1k"), "images"), "*.jpg").Order().Take(4);
        var posters = Directory.GetFiles(Dataset("ml-latest-small-posters"), "*.jpg").Order().Take(4);
        return photos.Concat(posters).Select(p => new ImageSource(Path.GetFileNameWithoutExtension(p), p)).ToArray();
    }
}
