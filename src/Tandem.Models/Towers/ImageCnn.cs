using Tandem.Data.Schema;
using Tandem.Data.Images;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>Options of an <see cref="ImageCnn"/>.</summary>
public readonly record struct ImageCnnOptions
{
    /// <summary>Creates the defaults.</summary>
    public ImageCnnOptions() { }

    /// <summary>Output channels of each conv → batch norm → ReLU → 2×2 max-pool block. Default 16, 32, 64.</summary>
    public int[] Channels { get; init; } = [16, 32, 64];

    /// <summary>Square kernel of every convolution (padded to keep the size). Default 3.</summary>
    public int Kernel { get; init; } = 3;

    /// <summary>Width of the projection after global average pooling, the module's output. Default 64.</summary>
    public int Dimension { get; init; } = 64;
}

/// <summary>
/// A small convolutional image encoder trained end to end: blocks of conv (no bias) → per-channel
/// batch norm → ReLU → 2×2 max-pool, a global average pool and a linear projection. Reads the
/// feature's ids as indices into an <see cref="ImageStore"/>; an item without an image gets a
/// zero vector (the missing-modality path), so the tower's other features carry it.
/// Not thread-safe: one tape per thread.
/// </summary>
public sealed class ImageCnn : IFeatureModule
{
    readonly ImageStore images;
    readonly ImageCnnOptions options;
    readonly (Parameter Weight, Parameter Gamma, Parameter Beta, StateBuffer Mean, StateBuffer Var)[] blocks;
    readonly Dense projection;
    float[] staging = [];

    /// <summary>A network over <paramref name="images"/> for the feature <paramref name="spec"/>, initialised from <paramref name="rng"/>.</summary>
    /// <exception cref="ModelException">No blocks, a non-positive width or kernel, or more 2×2 pools than the image size allows.</exception>
    public ImageCnn(FeatureSpec spec, ImageStore images, ImageCnnOptions options, Random rng)
    {
        if (options.Channels.Length == 0 || options.Channels.Any(c => c < 1) || options.Kernel < 1 || options.Kernel % 2 == 0 || options.Dimension < 1)
            ModelThrow.Config($"Image CNN of '{spec.Name}': channels [{string.Join(", ", options.Channels)}], kernel {options.Kernel} and dimension {options.Dimension} must be positive, with an odd kernel.");
        if (images.Options.Size >> options.Channels.Length < 1)
            ModelThrow.Config($"Image CNN of '{spec.Name}': {options.Channels.Length} 2x2 pools do not fit {images.Options.Size}x{images.Options.Size} images; use fewer blocks or larger images.");
        Spec = spec;
        this.images = images;
        this.options = options;
        blocks = new (Parameter, Parameter, Parameter, StateBuffer, StateBuffer)[options.Channels.Length];
        int inputs = 3, k = options.Kernel;
        for (int b = 0; b < blocks.Length; b++)
        {
            int outputs = options.Channels[b];
            string name = $"{spec.Name}.conv{b}";
            blocks[b] = (Init.Uniform(name + ".w", inputs * k * k, rng, outputs, inputs, k, k),
                Init.Fill(name + ".gamma", 1, outputs), Init.Fill(name + ".beta", 0, outputs),
                StateBuffer.Filled(name + ".mean", 0, outputs), StateBuffer.Filled(name + ".var", 1, outputs));
            inputs = outputs;
        }
        projection = new Dense(spec.Name + ".projection", inputs, options.Dimension, rng);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }

    /// <inheritdoc/>
    public int Width => options.Dimension;
    internal ImageCnnOptions Options => options;
    /// <summary>Each conv → batch norm → ReLU → pool block's weights and statistics.</summary>
    internal IReadOnlyList<(Parameter Weight, Parameter Gamma, Parameter Beta, StateBuffer Mean, StateBuffer Var)> Blocks => blocks;
    internal Dense Projection => projection;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters =>
        [.. blocks.SelectMany(b => new[] { b.Weight, b.Gamma, b.Beta }), .. projection.Parameters];

    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers => [.. blocks.SelectMany(b => new[] { b.Mean, b.Var })];

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training) => Encode(tape, input[Spec.Name].Ids.AsSpan(0, input.Count), training);

    /// <summary>The [ids.Length, Width] encodings of the images at <paramref name="ids"/> in the store.</summary>
    public Variable Encode(Tape tape, ReadOnlySpan<int> ids, bool training)
    {
        var x = FeatureMap(tape, ids, training);
        var y = projection.Apply(tape, tape.GlobalAvgPool(x));
        return Missing(ids) ? tape.Multiply(y, MissingMask(tape, ids, 1)) : y;
    }

    /// <summary>Regions per image of <see cref="EncodeRegions"/>: the cells of the last feature map.</summary>
    public int Regions => (images.Options.Size >> options.Channels.Length) * (images.Options.Size >> options.Channels.Length);

    /// <summary>
    /// One vector per cell of the last feature map (late interaction): [ids.Length·<see cref="Regions"/>, Width],
    /// image i's cells in rows i·Regions onwards, row by row, each through the same projection as
    /// <see cref="Encode(Tape, ReadOnlySpan{int}, bool)"/> (whose vector is their mean). An image that is missing gives zero vectors.
    /// </summary>
    public Variable EncodeRegions(Tape tape, ReadOnlySpan<int> ids, bool training)
    {
        var x = FeatureMap(tape, ids, training);
        int n = ids.Length, channels = x.Value.Shape[1], cells = Regions;
        var cellsFirst = tape.SwapLast(tape.Reshape(x, n, channels, cells));
        var y = projection.Apply(tape, tape.Reshape(cellsFirst, n * cells, channels));
        return Missing(ids) ? tape.Multiply(y, MissingMask(tape, ids, cells)) : y;
    }

    bool Missing(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids) if (!images.HasImage(id)) return true;
        return false;
    }

    /// <summary>The last block's output, [n, C, h, w].</summary>
    Variable FeatureMap(Tape tape, ReadOnlySpan<int> ids, bool training)
    {
        int n = ids.Length, size = images.Options.Size, length = images.Options.Length;
        if (staging.Length < n * length) staging = new float[n * length];
        for (int i = 0; i < n; i++) images.Pixels(ids[i]).CopyTo(staging.AsSpan(i * length, length));
        var x = tape.Constant(staging.AsSpan(0, n * length), n, 3, size, size);
        int pad = options.Kernel / 2;
        foreach (var (weight, gamma, beta, mean, variance) in blocks)
        {
            x = tape.Conv2d(x, weight, padding: pad);
            x = tape.BatchNorm2d(x, gamma, beta, mean.Value, variance.Value, training);
            x = tape.MaxPool2d(tape.Relu(x), 2);
        }
        return x;
    }

    /// <summary>[n·rows, Width] of ones for items with an image and zeros for those without, <paramref name="rows"/> rows each.</summary>
    Variable MissingMask(Tape tape, ReadOnlySpan<int> ids, int rows)
    {
        var mask = new float[ids.Length * rows * Width];
        for (int i = 0; i < ids.Length; i++)
            if (images.HasImage(ids[i])) mask.AsSpan(i * rows * Width, rows * Width).Fill(1);
        return tape.Constant(mask, ids.Length * rows, Width);
    }
}
