using System.Security.Cryptography;
using System.Text;
using Tandem.IO;
using Tandem.Tensors;


namespace Tandem.Data.Images;

/// <summary>
/// Every item's image decoded, resized and normalised once (<see cref="ImageDecoder"/>) and held in
/// memory as one [count, 3, Size, Size] block, optionally cached on disk in an
/// <see cref="TandemFileKind.ImageCache"/> file keyed by the options and every source's path, length
/// and modification time, so a changed image or option rebuilds it. Items without a usable image
/// (when <see cref="ImageOptions.Missing"/> is <see cref="MissingImages.Mask"/>) hold zeros and
/// <see cref="HasImage"/> false. Thread safety: reads are safe from any threads once built.
/// </summary>
public sealed class ImageStore
{
    const string KeySection = "key", PixelsSection = "pixels", PresentSection = "present";

    readonly float[] pixels;
    readonly bool[] present;

    ImageStore(ImageOptions options, float[] pixels, bool[] present, bool fromCache)
    {
        Options = options;
        this.pixels = pixels;
        this.present = present;
        FromCache = fromCache;
    }

    /// <summary>The options the images were prepared with.</summary>
    public ImageOptions Options { get; }

    /// <summary>Number of items.</summary>
    public int Count => present.Length;

    /// <summary>Items whose image was missing or undecodable (masked).</summary>
    public int MissingCount => present.Count(p => !p);

    /// <summary>Whether the images came from the cache file rather than from decoding.</summary>
    public bool FromCache { get; }

    /// <summary>Item <paramref name="index"/>'s normalised 3 × Size × Size image (zeros when it has none).</summary>
    public ReadOnlySpan<float> Pixels(int index) => pixels.AsSpan(index * Options.Length, Options.Length);

    /// <summary>Whether item <paramref name="index"/> has an image.</summary>
    public bool HasImage(int index) => present[index];

    /// <summary>
    /// Prepares the images of <paramref name="sources"/> (item i at index i), decoding in parallel on
    /// <see cref="Threads.Count"/> threads, or reads them from <paramref name="cachePath"/> when that file
    /// was built from the same sources and options; otherwise (re)writes it (temp file, then rename).
    /// <paramref name="progress"/> receives the number of images decoded so far.
    /// </summary>
    /// <exception cref="ImageException">An image is missing or undecodable and <see cref="ImageOptions.Missing"/> is <see cref="MissingImages.Reject"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled; no cache file is written.</exception>
    public static ImageStore Build(IReadOnlyList<ImageSource> sources, ImageOptions options, string? cachePath = null,
        IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        if (options.Size < 1 || options.Mean.Length != 3 || options.Std.Length != 3 || options.Std.Any(s => !(s > 0)))
            throw new ArgumentException($"Image options need a positive size and three means and positive standard deviations, got size {options.Size}, mean [{string.Join(", ", options.Mean)}], std [{string.Join(", ", options.Std)}].", nameof(options));
        string key = Key(sources, options);
        if (cachePath is not null && TryRead(cachePath, key, sources.Count, options) is { } cached) return cached;
        var pixels = new float[(long)sources.Count * options.Length];
        var present = new bool[sources.Count];
        int done = 0;
        try
        {
            Parallel.For(0, sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Threads.Count, CancellationToken = cancel }, i =>
            {
                var (item, path) = sources[i];
                var destination = pixels.AsSpan(i * options.Length, options.Length);
                try
                {
                    if (path is null) throw new ImageException(item, "(none)", "the item has no image");
                    ImageDecoder.Load(item, path, options, destination);
                    present[i] = true;
                }
                catch (ImageException) when (options.Missing == MissingImages.Mask)
                {
                    destination.Clear();
                }
                progress?.Report(Interlocked.Increment(ref done));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<ImageException>().FirstOrDefault() is { } first)
        {
            throw first;
        }
        var store = new ImageStore(options, pixels, present, fromCache: false);
        if (cachePath is not null) store.Write(cachePath, key);
        return store;
    }

    void Write(string path, string key)
    {
        using var block = Tensor.From(pixels, Count, 3, Options.Size, Options.Size);
        using var mask = Tensor.From(present.Select(p => p ? 1f : 0f).ToArray(), Count);
        var writer = new TandemFileWriter(TandemFileKind.ImageCache);
        writer.AddJson(KeySection, key);
        writer.AddTensor(PixelsSection, block);
        writer.AddTensor(PresentSection, mask);
        writer.Save(path);
    }

    /// <summary>The cached images when the file exists, is intact and has <paramref name="key"/>; else null (it will be rebuilt).</summary>
    static ImageStore? TryRead(string path, string key, int count, ImageOptions options)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = TandemFileReader.Open(path, TandemFileKind.ImageCache);
            if (reader.ReadJson<string>(KeySection) != key) return null;
            var pixels = new float[(long)count * options.Length];
            using (var block = Tensor.Empty(count, 3, options.Size, options.Size))
            {
                reader.ReadTensorInto(PixelsSection, block);
                block.Span.CopyTo(pixels);
            }
            using var mask = reader.ReadTensor(PresentSection);
            return new ImageStore(options, pixels, mask.Span.ToArray().Select(v => v != 0).ToArray(), fromCache: true);
        }
        catch (TandemFileException)
        {
            // A damaged cache is only a cache: decode again and overwrite it.
            return null;
        }
    }

    /// <summary>A hash of the options and of every source's item, path, length and modification time.</summary>
    static string Key(IReadOnlyList<ImageSource> sources, ImageOptions options)
    {
        var text = new StringBuilder($"size={options.Size};mean={string.Join(',', options.Mean)};std={string.Join(',', options.Std)}{(options.CentreCrop ? ";crop" : "")};missing={options.Missing}\n");
        foreach (var (item, path) in sources)
        {
            var info = path is null ? null : new FileInfo(Path.GetFullPath(path));
            text.Append(item).Append('\t').Append(path is null ? null : Path.GetFullPath(path)).Append('\t')
                .Append(info is { Exists: true } ? $"{info.Length}\t{info.LastWriteTimeUtc.Ticks}" : "absent").Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
