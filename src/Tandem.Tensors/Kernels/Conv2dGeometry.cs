namespace Tandem.Tensors.Kernels;

/// <summary>
/// The shape of one 2-D window pass (a convolution or a pooling) over planes of
/// <see cref="Height"/>×<see cref="Width"/>: a <see cref="KernelHeight"/>×<see cref="KernelWidth"/>
/// window moved by <see cref="Stride"/> over the plane padded by <see cref="Padding"/> zeros on
/// every side. Output position (oy, ox) reads input rows <c>oy·stride - padding + ky</c>.
/// </summary>
public readonly record struct Conv2dGeometry(int Channels, int Height, int Width, int KernelHeight, int KernelWidth, int Stride = 1, int Padding = 0)
{
    /// <summary>Output rows: <c>(Height + 2·Padding - KernelHeight) / Stride + 1</c>.</summary>
    public int OutHeight => (Height + 2 * Padding - KernelHeight) / Stride + 1;

    /// <summary>Output columns: <c>(Width + 2·Padding - KernelWidth) / Stride + 1</c>.</summary>
    public int OutWidth => (Width + 2 * Padding - KernelWidth) / Stride + 1;

    /// <summary>Rows of the im2col matrix: one per channel and kernel offset.</summary>
    public int Patch => Channels * KernelHeight * KernelWidth;

    /// <summary>Output positions per plane, the im2col matrix's columns.</summary>
    public int Positions => OutHeight * OutWidth;

    /// <summary>Input values per image.</summary>
    public int ImageLength => Channels * Height * Width;

    /// <summary>Whether the window fits the padded plane at least once with positive sizes, stride and non-negative padding.</summary>
    public bool IsValid => Channels > 0 && Height > 0 && Width > 0 && KernelHeight > 0 && KernelWidth > 0 && Stride > 0
        && Padding >= 0 && Height + 2 * Padding >= KernelHeight && Width + 2 * Padding >= KernelWidth;
}
