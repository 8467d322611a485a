using System.Runtime.InteropServices;

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
        // The unfold only reads the image; the shared walk takes a Span so the fold can write it.
        Walk(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(image), image.Length), g, cols, fold: false);
    }

    /// <summary>
    /// The adjoint of <see cref="Im2Col"/>, accumulating: <c>image[c, iy, ix] += cols[(c·kh + ky)·kw + kx, oy·Wo + ox]</c>
    /// over every patch entry that reads (c, iy, ix); entries in the padding are dropped. A convolution's
    /// input gradient is this fold of Wᵀ·dY.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid or a span is not the length it implies.</exception>
    public static void Col2Im(ReadOnlySpan<float> cols, in Conv2dGeometry g, Span<float> image)
    {
        CheckWindows(image.Length, cols.Length, g);
        Walk(image, g, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(cols), cols.Length), fold: true);
    }

    /// <summary>Visits every (patch row, output position) pair once: copies image → cols, or adds cols → image when <paramref name="fold"/>.</summary>
    static void Walk(Span<float> image, in Conv2dGeometry g, Span<float> cols, bool fold)
    {
        int ho = g.OutHeight, wo = g.OutWidth;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
            for (int ky = 0; ky < g.KernelHeight; ky++)
                for (int kx = 0; kx < g.KernelWidth; kx++, row++)
                {
                    var patch = cols.Slice(row * ho * wo, ho * wo);
                    for (int oy = 0; oy < ho; oy++)
                    {
                        int iy = oy * g.Stride - g.Padding + ky;
                        var line = patch.Slice(oy * wo, wo);
                        if ((uint)iy >= (uint)g.Height)
                        {
                            if (!fold) line.Clear();
                            continue;
                        }
                        var source = image.Slice((c * g.Height + iy) * g.Width, g.Width);
                        for (int ox = 0; ox < wo; ox++)
                        {
                            int ix = ox * g.Stride - g.Padding + kx;
                            bool inside = (uint)ix < (uint)g.Width;
                            if (fold) { if (inside) source[ix] += line[ox]; }
                            else line[ox] = inside ? source[ix] : 0f;
                        }
                    }
                }
    }

    /// <summary>Checks a geometry and the lengths of an image and its patch matrix.</summary>
    static void CheckWindows(int imageLength, int colsLength, in Conv2dGeometry g)
    {
        if (!g.IsValid) throw new ArgumentException($"{g} does not fit: sizes and stride must be positive, padding non-negative, and the kernel no larger than the padded plane.", nameof(g));
        Validate.Length(imageLength, g.ImageLength, "image", "Channels·Height·Width");
        Validate.Length(colsLength, (long)g.Patch * g.Positions, "cols", "Channels·KernelHeight·KernelWidth rows of OutHeight·OutWidth");
    }
}
