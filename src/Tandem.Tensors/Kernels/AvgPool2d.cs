namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>
    /// Average pooling of each of <c>g.Channels</c> planes, or its adjoint. Forward:
    /// <c>y[c, oy, ox] = Σ_window x[c, iy, ix] / (kh·kw)</c>, padding counted as zeros (PyTorch's
    /// count_include_pad). Backward (<paramref name="backward"/>): <c>x[c, iy, ix] += y[c, oy, ox] / (kh·kw)</c>
    /// for every window that reads (iy, ix), so <paramref name="x"/> receives the gradient of <paramref name="y"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is invalid or a span is not the length it implies.</exception>
    public static void AvgPool2d(Span<float> x, in Conv2dGeometry g, Span<float> y, bool backward = false)
    {
        CheckPool(x.Length, y.Length, g);
        int ho = g.OutHeight, wo = g.OutWidth, o = 0;
        float scale = 1f / (g.KernelHeight * g.KernelWidth);
        for (int c = 0; c < g.Channels; c++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++, o++)
                {
                    float sum = 0, share = y[o] * scale;
                    for (int ky = 0; ky < g.KernelHeight; ky++)
                    {
                        int iy = oy * g.Stride - g.Padding + ky;
                        if ((uint)iy >= (uint)g.Height) continue;
                        var line = x.Slice((c * g.Height + iy) * g.Width, g.Width);
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int ix = ox * g.Stride - g.Padding + kx;
                            if ((uint)ix >= (uint)g.Width) continue;
                            if (backward) line[ix] += share;
                            else sum += line[ix];
                        }
                    }
                    if (!backward) y[o] = sum * scale;
                }
    }
}
