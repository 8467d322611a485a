using Tandem.Data.Images;
using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>
/// Embeds images with an ONNX image model: each file is decoded, resized to the model's input
/// size and normalised (<see cref="ImageOptions"/>: size, per-channel mean and std) by
/// <see cref="ImageDecoder"/>, then fed as float32 [batch, 3, size, size] to the model's first
/// input; its [batch, d] output is the embedding. Thread-safe.
/// </summary>
public sealed class OnnxImageEncoder(OnnxModel model, ImageOptions options)
{
    /// <summary>The model.</summary>
    public OnnxModel Model { get; } = model;
    /// <summary>How images are prepared.</summary>
    public ImageOptions Options { get; } = options;

    /// <summary>The [count, d] embeddings of <paramref name="count"/> prepared images (3 × size × size floats each).</summary>
    public float[] Embed(float[] pixels, int count)
    {
        int size = Options.Size;
        if (pixels.Length != count * Options.Length) throw new ArgumentException($"{count} images of 3x{size}x{size} need {count * Options.Length} values, got {pixels.Length}.", nameof(pixels));
        var (values, shape) = Model.Run(new Dictionary<string, (Array, int[])> { [Model.Inputs[0]] = (pixels, [count, 3, size, size]) });
        if (shape.Length != 2 || shape[0] != count)
            PretrainedThrow.Input($"{Model.Path}: output '{Model.Output}' has shape [{string.Join(", ", shape)}]; an image encoder gives [batch, d]");
        return values;
    }

    /// <summary>The [images.Count, d] embeddings of the image files, <paramref name="batchSize"/> at a time; the caller owns the tensor.</summary>
    /// <exception cref="ImageException">A file is missing or undecodable; the message names the item and the file.</exception>
    public Tensor Embed(IReadOnlyList<ImageSource> images, int batchSize = 32, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var parts = new List<float[]>();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, images.Count - start);
            var pixels = new float[n * Options.Length];
            for (int i = 0; i < n; i++)
            {
                var (item, path) = images[start + i];
                if (path is null) throw new ImageException(item, "(none)", "the item has no image");
                ImageDecoder.Load(item, path, Options, pixels.AsSpan(i * Options.Length, Options.Length));
            }
            parts.Add(Embed(pixels, n));
            progress?.Report(start + n);
        }
        return Rows.Stack(parts, images.Count);
    }
}
