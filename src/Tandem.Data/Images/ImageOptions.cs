namespace Tandem.Data.Images;

/// <summary>What to do with an item whose image file is missing or cannot be decoded.</summary>
public enum MissingImages
{
    /// <summary>Stop with an error naming the item and the file.</summary>
    Reject,
    /// <summary>Mark the item's image absent: zero pixels and a mask that gives the item a zero image vector.</summary>
    Mask,
}

/// <summary>How images are prepared for an image encoder: decoded, resized, normalised once per item.</summary>
public readonly record struct ImageOptions
{
    /// <summary>Creates the defaults.</summary>
    public ImageOptions() { }

    /// <summary>Images are resized (bilinear) to Size × Size. Default 64.</summary>
    public int Size { get; init; } = 64;

    /// <summary>
    /// True: only the central square (side: the shorter side) is resized, so the aspect ratio is
    /// kept, as ImageNet models (and ML.NET's <c>ResizeImages</c> default) expect. False (default):
    /// the whole image is stretched to the square.
    /// </summary>
    public bool CentreCrop { get; init; }

    /// <summary>Per-channel (R, G, B) mean subtracted from pixels in [0, 1]. Default ImageNet's (0.485, 0.456, 0.406).</summary>
    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    /// <summary>Per-channel (R, G, B) standard deviation pixels are divided by. Default ImageNet's (0.229, 0.224, 0.225).</summary>
    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Missing or undecodable images: an error (default) or the missing-modality mask.</summary>
    public MissingImages Missing { get; init; } = MissingImages.Reject;

    /// <summary>Values per image: 3 × Size × Size.</summary>
    public int Length => 3 * Size * Size;
}
