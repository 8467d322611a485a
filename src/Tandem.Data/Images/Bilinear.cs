namespace Tandem.Data.Images;

/// <summary>Bilinear resizing of interleaved 8-bit RGB into normalised channel-major floats.</summary>
public static class Bilinear
{
    /// <summary>
    /// Resizes <paramref name="rgb"/> (width × height × 3, row-major, interleaved), or its central
    /// square when <see cref="ImageOptions.CentreCrop"/>, to Size × Size with
    /// half-pixel centres (OpenCV's and PyTorch's align_corners=false), clamping at the borders, and
    /// writes <c>destination[c, y, x] = (v/255 - mean[c]) / std[c]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The pixel buffer is not width × height × 3, or the destination is not 3 × Size × Size.</exception>
    public static void Resize(ReadOnlySpan<byte> rgb, int width, int height, ImageOptions options, Span<float> destination)
    {
        int size = options.Size;
        if (width <= 0 || height <= 0 || rgb.Length < width * height * 3)
            throw new ArgumentException($"{rgb.Length} bytes do not hold a {width}x{height} RGB image.", nameof(rgb));
        if (destination.Length != options.Length)
            throw new ArgumentException($"The destination holds {destination.Length} values; a {size}x{size} RGB image needs {options.Length}.", nameof(destination));
        int side = Math.Min(width, height);
        var (cropX, cropY) = options.CentreCrop ? ((width - side) / 2f, (height - side) / 2f) : (0f, 0f);
        float sy = (float)(options.CentreCrop ? side : height) / size, sx = (float)(options.CentreCrop ? side : width) / size;
        Span<float> scale = [1 / (255 * options.Std[0]), 1 / (255 * options.Std[1]), 1 / (255 * options.Std[2])];
        Span<float> shift = [options.Mean[0] / options.Std[0], options.Mean[1] / options.Std[1], options.Mean[2] / options.Std[2]];
        int plane = size * size;
        for (int y = 0; y < size; y++)
        {
            var (y0, y1, fy) = Taps(y, sy, cropY, height);
            for (int x = 0; x < size; x++)
            {
                var (x0, x1, fx) = Taps(x, sx, cropX, width);
                for (int c = 0; c < 3; c++)
                {
                    float top = rgb[(y0 * width + x0) * 3 + c] * (1 - fx) + rgb[(y0 * width + x1) * 3 + c] * fx;
                    float bottom = rgb[(y1 * width + x0) * 3 + c] * (1 - fx) + rgb[(y1 * width + x1) * 3 + c] * fx;
                    destination[c * plane + y * size + x] = (top * (1 - fy) + bottom * fy) * scale[c] - shift[c];
                }
            }
        }
    }

    /// <summary>The two source indices around output position <paramref name="o"/> (of a window starting at <paramref name="start"/>) and the weight of the second.</summary>
    static (int Lo, int Hi, float Weight) Taps(int o, float step, float start, int length)
    {
        float source = Math.Max(start + (o + 0.5f) * step - 0.5f, 0);
        int lo = Math.Min((int)source, length - 1);
        return (lo, Math.Min(lo + 1, length - 1), source - lo);
    }
}
