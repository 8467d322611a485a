using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Tandem.Data.Images;
using Tandem.Data.Schema;
using Tandem.IO;
using Tandem.Models.Towers;
using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>What a <see cref="FeatureCache"/> is doing: <see cref="Done"/> of <see cref="Total"/> values encoded with an encoder (0 when it starts).</summary>
public readonly record struct EncodingProgress(string Encoder, int Done, int Total);

/// <summary>
/// Embeds a feature's values (texts, or image paths) with a pretrained encoder once: the vectors
/// are written beside the data, in <c>.tandem-cache/embeddings-KEY.tandem</c> (the Tandem container:
/// magic, version, checksums; written atomically), keyed by the encoder's
/// <see cref="PretrainedEncoder.Fingerprint"/> (its model's hash and input spec) and the values (an
/// image by its path, length and modification time), so another run, seed or arm with the same
/// encoder and data reads them instead of encoding again. A damaged cache is encoded again.
/// Encoders are opened once per cache. Thread-safe.
/// </summary>
public sealed class FeatureCache(IProgress<EncodingProgress>? progress = null, Action<string>? note = null, string? folder = null) : IDisposable
{
    const string KeySection = "key", VectorsSection = "vectors", PresentSection = "present";
    readonly ConcurrentDictionary<string, Lazy<PretrainedEncoder>> encoders = new();
    int encoded;

    /// <summary>Values encoded rather than read from a cache, so far.</summary>
    public int Encoded => encoded;

    /// <summary>Seconds spent encoding (not reading caches), so far.</summary>
    public double EncodingSeconds { get; private set; }

    /// <summary>This cache as the <see cref="ContentEncoder"/> that <c>ModelData.Load</c> takes: image features mask undecodable images.</summary>
    public ContentEncoder Encoder => (feature, encoder, values, dataFolder) => Encode(encoder, values, dataFolder, maskMissing: feature.Kind == FeatureKind.Image);

    /// <summary>The opened encoder a factory string names (opened once).</summary>
    /// <exception cref="PretrainedException">The string is invalid, a file is missing or not a model, or the package is not restored.</exception>
    public PretrainedEncoder Open(string encoder, string dataFolder = "")
    {
        var spec = EncoderSpec.Parse(encoder, dataFolder);
        // Relative files in the string are relative to the data folder, so the two together name the encoder.
        var lazy = encoders.GetOrAdd($"{encoder}\0{Path.GetFullPath(dataFolder.Length == 0 ? "." : dataFolder)}", _ => new Lazy<PretrainedEncoder>(() =>
        {
            var opened = PretrainedEncoder.Open(spec);
            if (opened.Text is { } text && note is not null) text.Truncated += note;
            return opened;
        }));
        return lazy.Value;
    }

    /// <summary>
    /// The vectors of <paramref name="values"/> (texts for a text encoder; image paths, relative to
    /// <paramref name="dataFolder"/>, for an image encoder) plus a last, missing row of zeros: read from
    /// the cache in <paramref name="dataFolder"/> (or the cache's own folder) when current, else encoded and stored.
    /// With <paramref name="maskMissing"/> an undecodable image is an absent row rather than an error.
    /// </summary>
    /// <exception cref="PretrainedException">The encoder cannot be opened or run.</exception>
    /// <exception cref="ImageException">An image is missing or undecodable and <paramref name="maskMissing"/> is false.</exception>
    public EncodedVectors Encode(string encoder, IReadOnlyList<string> values, string dataFolder, bool maskMissing = false, CancellationToken cancel = default)
    {
        var model = Open(encoder, dataFolder);
        bool images = model.Spec.Input == EncoderInput.Image;
        string root = Path.GetFullPath(dataFolder.Length == 0 ? "." : dataFolder);
        var paths = images ? values.Select(v => Path.GetFullPath(v, root)).ToArray() : null;
        string key = Key(model, values, paths, maskMissing);
        string file = Path.Combine(folder ?? Path.Combine(dataFolder, ".tandem-cache"), $"embeddings-{key[..16]}.tandem");
        if (TryRead(file, key, values) is { } cached)
        {
            note?.Invoke($"read {values.Count:N0} {model.Spec.Name} vectors from {file}");
            return cached;
        }

        var clock = Stopwatch.StartNew();
        progress?.Report(new EncodingProgress(model.Spec.Name, 0, values.Count));
        var report = progress is null ? null : new InlineProgress<int>(done => progress.Report(new EncodingProgress(model.Spec.Name, done, values.Count)));
        var present = Enumerable.Repeat(true, values.Count + 1).ToArray();
        present[^1] = false;
        using var rows = images
            ? model.Image!.Embed(values.Select((v, i) => new ImageSource(v, paths![i])).ToArray(), 8, report, cancel, maskMissing ? present : null)
            : model.Text!.Embed(values, 32, report, cancel);
        var vectors = Tensor.Zeros(values.Count + 1, values.Count == 0 ? 1 : rows.Cols);
        rows.Span.CopyTo(vectors.Span);
        Interlocked.Add(ref encoded, values.Count);
        EncodingSeconds += clock.Elapsed.TotalSeconds;
        Store(file, key, vectors, present);
        return new EncodedVectors(values, vectors, present);
    }

    void Store(string file, string key, Tensor vectors, bool[] present)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var writer = new TandemFileWriter(TandemFileKind.EmbeddingCache);
            writer.AddJson(KeySection, key);
            writer.AddTensor(VectorsSection, vectors);
            using var mask = Tensor.From(present.Select(p => p ? 1f : 0f).ToArray(), present.Length);
            writer.AddTensor(PresentSection, mask);
            writer.Save(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The vectors are computed; only their reuse is lost.
            note?.Invoke($"{file}: embeddings not cached ({e.Message})");
        }
    }

    static EncodedVectors? TryRead(string file, string key, IReadOnlyList<string> values)
    {
        if (!File.Exists(file)) return null;
        try
        {
            using var reader = TandemFileReader.Open(file, TandemFileKind.EmbeddingCache);
            if (reader.ReadJson<string>(KeySection) != key) return null;
            var vectors = reader.ReadTensor(VectorsSection);
            using var mask = reader.ReadTensor(PresentSection);
            if (vectors.Rank != 2 || vectors.Rows != values.Count + 1 || mask.Length != vectors.Rows) { vectors.Dispose(); return null; }
            return new EncodedVectors(values, vectors, [.. mask.Span.ToArray().Select(v => v != 0)]);
        }
        catch (TandemFileException)
        {
            return null; // a damaged cache is only a cache: encode again and overwrite it
        }
    }

    /// <summary>A hash of the encoder's fingerprint and every value (an image also by its file's length and modification time).</summary>
    static string Key(PretrainedEncoder model, IReadOnlyList<string> values, string[]? paths, bool maskMissing)
    {
        var text = new StringBuilder($"{model.Fingerprint}\nmask={maskMissing}\n");
        for (int i = 0; i < values.Count; i++)
        {
            text.Append(values[i]);
            if (paths is not null)
            {
                var info = new FileInfo(paths[i]);
                text.Append('\t').Append(paths[i]).Append('\t').Append(info.Exists ? $"{info.Length}\t{info.LastWriteTimeUtc.Ticks}" : "absent");
            }
            text.Append('\0');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Releases the opened encoders.</summary>
    public void Dispose()
    {
        foreach (var lazy in encoders.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
    }
}
