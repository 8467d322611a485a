namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// The adjoint of <see cref="Im2Col"/>, accumulating: <c>image[c, iy, ix] += cols[(c·kh + ky)·kw + kx, oy·Wo + ox]</c>
    /// over every patch entry that reads (c, iy, ix); entries in the padding are dropped. A convolution's
    /// input gradient is this fold of Wᵀ·dY.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid or a span is not the length it implies.</exception>
    public static void Col2Im(ReadOnlySpan<float> cols, in Conv2dGeometry g, Span<float> image)
    {
        CheckWindows(image.Length, cols.Length, g);
        int ho = g.OutHeight, wo = g.OutWidth;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
            for (int ky = 0; ky < g.KernelHeight; ky++)
                for (int kx = 0; kx < g.KernelWidth; kx++, row++)
                {
                    var source = cols.Slice(row * ho * wo, ho * wo);
                    for (int oy = 0; oy < ho; oy++)
                    {
                        int iy = oy * g.Stride - g.Padding + ky;
                        if ((uint)iy >= (uint)g.Height) continue;
                        var line = source.Slice(oy * wo, wo);
                        var dest = image.Slice((c * g.Height + iy) * g.Width, g.Width);
                        for (int ox = 0; ox < wo; ox++)
                        {
                            int ix = ox * g.Stride - g.Padding + kx;
                            if ((uint)ix < (uint)g.Width) dest[ix] += line[ox];
                        }
                    }
                }
    }
}
