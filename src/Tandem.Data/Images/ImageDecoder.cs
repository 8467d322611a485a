using StbImageSharp;

namespace Tandem.Data.Images;

/// <summary>
/// Reads one JPEG/PNG/BMP/GIF file (StbImageSharp) into a normalised CHW float image of a fixed
/// size: decoded to 8-bit RGB, resized bilinearly, then <c>(v/255 - mean[c]) / std[c]</c>.
/// Thread-safe: calls share nothing.
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// Decodes <paramref name="path"/> (the image of <paramref name="item"/>) into <paramref name="destination"/>,
    /// 3 × Size × Size values, channel-major (R plane, G plane, B plane).
    /// </summary>
    /// <exception cref="ImageException">The file is missing, unreadable or not a decodable image; the message names the item and the file.</exception>
    public static void Load(string item, string path, ImageOptions options, Span<float> destination)
    {
        ImageResult image;
        try
        {
            using var stream = File.OpenRead(path);
            image = ImageResult.FromStream(stream, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageException(item, path, "the file does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageException(item, path, $"the file cannot be read ({e.Message})");
        }
        catch (Exception e)
        {
            // StbImageSharp reports an undecodable file with a plain Exception ("unknown image type", "bad huffman code", …).
            throw new ImageException(item, path, $"not a decodable JPEG/PNG image ({e.Message})");
        }
        Bilinear.Resize(image.Data, image.Width, image.Height, options, destination);
    }
}

/// <summary>An item's image cannot be used; the one-line message names the item, the file and why.</summary>
public sealed class ImageException(string item, string path, string reason)
    : TandemException($"Image of item '{item}' at '{path}': {reason}. Fix or remove the file, or set missing images to be masked.")
{
    /// <summary>The item whose image failed.</summary>
    public string Item { get; } = item;

    /// <summary>The image file.</summary>
    public string FilePath { get; } = path;
}
