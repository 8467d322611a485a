using Tandem.Data.Images;
using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>
/// Embeds images with an ONNX image model: each file is decoded, resized to the model's input
/// size and normalised (<see cref="ImageOptions"/>: size, centre crop, per-channel mean and std)
/// by <see cref="ImageDecoder"/>, optionally passed through a preprocessing model (ResNet18's
/// package ships one that reorders RGB to BGR and subtracts its mean image), then fed as float32
/// [batch, 3, size, size] to the model's first input; its [batch, d] output (trailing 1×1
/// dimensions flattened) is the embedding. A model whose batch is fixed (ResNet18's: 1) is run
/// that many images at a time. Thread-safe.
/// </summary>
public sealed class OnnxImageEncoder(OnnxModel model, ImageOptions options, OnnxModel? preprocess = null)
{
    /// <summary>The model.</summary>
    public OnnxModel Model { get; } = model;
    /// <summary>How images are prepared.</summary>
    public ImageOptions Options { get; } = options;
    /// <summary>A model run on the pixels before <see cref="Model"/>, or null.</summary>
    public OnnxModel? Preprocess { get; } = preprocess;

    /// <summary>The [count, d] embeddings of <paramref name="count"/> prepared images (3 × size × size floats each).</summary>
    /// <exception cref="PretrainedException">The model fails or gives no [batch, d] output.</exception>
    public float[] Embed(float[] pixels, int count)
    {
        if (pixels.Length != count * Options.Length) throw new ArgumentException($"{count} images of 3x{Options.Size}x{Options.Size} need {count * Options.Length} values, got {pixels.Length}.", nameof(pixels));
        int fixedBatch = Math.Max(Model.FixedBatch, Preprocess?.FixedBatch ?? 0);
        if (fixedBatch == 0 || fixedBatch == count) return Run(pixels, count);
        // Fixed-batch models take exactly fixedBatch images: run in chunks, the last padded with zeros.
        var chunks = new List<float[]>();
        for (int start = 0; start < count; start += fixedBatch)
        {
            var chunk = new float[fixedBatch * Options.Length];
            int n = Math.Min(fixedBatch, count - start);
            pixels.AsSpan(start * Options.Length, n * Options.Length).CopyTo(chunk);
            var output = Run(chunk, fixedBatch);
            chunks.Add(output[..(output.Length / fixedBatch * n)]);
        }
        return chunks.SelectMany(c => c).ToArray();
    }

    float[] Run(float[] pixels, int count)
    {
        int size = Options.Size;
        int[] shape = [count, 3, size, size];
        if (Preprocess is not null)
        {
            (pixels, var prepared) = Preprocess.Run(new Dictionary<string, (Array, int[])> { [Preprocess.Inputs[0]] = (pixels, shape) });
            if (!prepared.SequenceEqual(shape))
                PretrainedThrow.Input($"{Preprocess.Path}: output '{Preprocess.Output}' has shape [{string.Join(", ", prepared)}]; a preprocessing model keeps [{string.Join(", ", shape)}]");
        }
        var (values, outShape) = Model.Run(new Dictionary<string, (Array, int[])> { [Model.Inputs[0]] = (pixels, shape) });
        if (outShape.Length != 2 || outShape[0] != count)
            PretrainedThrow.Input($"{Model.Path}: output '{Model.Output}' has shape [{string.Join(", ", outShape)}]; an image encoder gives [batch, d]");
        return values;
    }

    /// <summary>
    /// The [images.Count, d] embeddings of the image files, <paramref name="batchSize"/> at a time on
    /// <see cref="Threads.Count"/> threads; the caller owns the tensor. With <paramref name="present"/>
    /// (images.Count flags), a missing or undecodable image is not an error: its flag is false and its row zeros.
    /// </summary>
    /// <exception cref="ImageException">A file is missing or undecodable (and <paramref name="present"/> is null); the message names the item and the file.</exception>
    /// <exception cref="PretrainedException">The model fails or gives no [batch, d] output.</exception>
    public Tensor Embed(IReadOnlyList<ImageSource> images, int batchSize = 32, IProgress<int>? progress = null, CancellationToken cancel = default, bool[]? present = null) =>
        Batches.Run(images.Count, batchSize, (start, n) =>
        {
            var pixels = new float[n * Options.Length];
            var failed = new List<int>();
            for (int i = 0; i < n; i++)
            {
                var (item, path) = images[start + i];
                try
                {
                    if (path is null) throw new ImageException(item, "(none)", "the item has no image");
                    ImageDecoder.Load(item, path, Options, pixels.AsSpan(i * Options.Length, Options.Length));
                    if (present is not null) present[start + i] = true;
                }
                catch (ImageException) when (present is not null)
                {
                    failed.Add(i);
                    present[start + i] = false;
                }
            }
            var rows = Embed(pixels, n);
            int d = rows.Length / n;
            foreach (int i in failed) rows.AsSpan(i * d, d).Clear();
            return rows;
        }, progress, cancel);
}
