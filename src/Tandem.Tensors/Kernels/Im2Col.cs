namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Unfolds one image [C, H, W] into the patch matrix of a convolution:
    /// <c>cols[(c·kh + ky)·kw + kx, oy·Wo + ox] = image[c, oy·s - p + ky, ox·s - p + kx]</c>, zero where
    /// that position falls in the padding. A convolution is then one GEMM of the weights [O, C·kh·kw] by cols.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid or a span is not the length it implies.</exception>
    public static void Im2Col(ReadOnlySpan<float> image, in Conv2dGeometry g, Span<float> cols)
    {
        CheckWindows(image.Length, cols.Length, g);
        int ho = g.OutHeight, wo = g.OutWidth;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
            for (int ky = 0; ky < g.KernelHeight; ky++)
                for (int kx = 0; kx < g.KernelWidth; kx++, row++)
                {
                    var dest = cols.Slice(row * ho * wo, ho * wo);
                    for (int oy = 0; oy < ho; oy++)
                    {
                        int iy = oy * g.Stride - g.Padding + ky;
                        var line = dest.Slice(oy * wo, wo);
                        if ((uint)iy >= (uint)g.Height)
                        {
                            line.Clear();
                            continue;
                        }
                        var source = image.Slice((c * g.Height + iy) * g.Width, g.Width);
                        for (int ox = 0; ox < wo; ox++)
                        {
                            int ix = ox * g.Stride - g.Padding + kx;
                            line[ox] = (uint)ix < (uint)g.Width ? source[ix] : 0f;
                        }
                    }
                }
    }

    /// <summary>Checks a geometry and the lengths of an image and its patch matrix (or pooled planes).</summary>
    static void CheckWindows(int imageLength, int colsLength, in Conv2dGeometry g)
    {
        if (!g.IsValid) throw new ArgumentException($"{g} does not fit: sizes and stride must be positive, padding non-negative, and the kernel no larger than the padded plane.", nameof(g));
        Validate.Length(imageLength, g.ImageLength, "image", "Channels·Height·Width");
        Validate.Length(colsLength, (long)g.Patch * g.Positions, "cols", "Channels·KernelHeight·KernelWidth rows of OutHeight·OutWidth");
    }
}
