namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Max pooling of each of <c>g.Channels</c> planes: <c>y[c, oy, ox] = max over the window of x[c, iy, ix]</c>
    /// (padding never wins), with <c>argmax[c, oy, ox]</c> the flat index into x of the first maximum, which
    /// the backward scatters the gradient to.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid, a window lies wholly in the padding, or a span is not the length it implies.</exception>
    public static void MaxPool2d(ReadOnlySpan<float> x, in Conv2dGeometry g, Span<float> y, Span<int> argmax)
    {
        CheckPool(x.Length, y.Length, g);
        Validate.SameLength(argmax.Length, y.Length, nameof(argmax), nameof(y));
        int ho = g.OutHeight, wo = g.OutWidth, o = 0;
        for (int c = 0; c < g.Channels; c++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++, o++)
                {
                    float best = float.NegativeInfinity;
                    int at = -1;
                    for (int ky = 0; ky < g.KernelHeight; ky++)
                    {
                        int iy = oy * g.Stride - g.Padding + ky;
                        if ((uint)iy >= (uint)g.Height) continue;
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int ix = ox * g.Stride - g.Padding + kx;
                            if ((uint)ix >= (uint)g.Width) continue;
                            int i = (c * g.Height + iy) * g.Width + ix;
                            if (at < 0 || x[i] > best) (best, at) = (x[i], i);
                        }
                    }
                    y[o] = best;
                    argmax[o] = at;
                }
    }

    /// <summary>Checks a pooling geometry (every window must touch the plane) and the lengths of its input and output.</summary>
    static void CheckPool(int xLength, int yLength, in Conv2dGeometry g)
    {
        if (!g.IsValid || g.Padding >= g.KernelHeight || g.Padding >= g.KernelWidth)
            throw new ArgumentException($"{g} does not fit a pooling: sizes and stride must be positive, and padding smaller than the kernel so no window lies wholly in it.", nameof(g));
        Validate.Length(xLength, g.ImageLength, "x", "Channels·Height·Width");
        Validate.Length(yLength, (long)g.Channels * g.Positions, "y", "Channels·OutHeight·OutWidth");
    }
}
