using Tandem.Data.Schema;
using Tandem.Data.Images;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// An image feature (a path per row, "" for none) read through an <see cref="ImageCnn"/> over an
/// <see cref="ImageStore"/> built from the same paths, so any row, including a cold item's,
/// finds its image. Each distinct image of a batch goes through the network once. Rows without
/// an image, or whose path the store lacks, are the missing modality. Not thread-safe.
/// </summary>
public sealed class ImageFeature : IFeatureModule, IModalityMask
{
    readonly ImageCnn cnn;
    readonly ImageStore store;
    readonly Dictionary<string, int> indexOfPath;
    readonly int missing;

    /// <summary>
    /// A module for <paramref name="spec"/> over <paramref name="store"/>, whose entry i is the image
    /// at <paramref name="paths"/>[i]; <paramref name="missing"/> is an entry without an image.
    /// </summary>
    /// <exception cref="ModelException">The store and the paths disagree, or the missing entry has an image.</exception>
    public ImageFeature(FeatureSpec spec, ImageStore store, IReadOnlyList<string> paths, int missing, ImageCnnOptions options, Random rng)
    {
        if (paths.Count != store.Count) ModelThrow.Config($"Image feature '{spec.Name}': {paths.Count} paths for a store of {store.Count} images.");
        if ((uint)missing >= (uint)store.Count || store.HasImage(missing)) ModelThrow.Config($"Image feature '{spec.Name}': entry {missing} must be an entry without an image.");
        Spec = spec;
        this.store = store;
        this.missing = missing;
        indexOfPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < paths.Count; i++) indexOfPath.TryAdd(paths[i], i);
        cnn = new ImageCnn(spec, store, options, rng);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <inheritdoc/>
    public int Width => cnn.Width;
    internal ImageCnn Cnn => cnn;
    internal ImageStore Store => store;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => cnn.Parameters;
    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers => cnn.Buffers;

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var paths = input[Spec.Name].Texts;
        var distinct = new List<int>();
        var slot = new Dictionary<int, int>();
        var rows = new int[input.Count];
        for (int b = 0; b < input.Count; b++)
        {
            int index = Index(paths[b]);
            if (!slot.TryGetValue(index, out rows[b])) slot[index] = rows[b] = distinct.Count;
            if (rows[b] == distinct.Count) distinct.Add(index);
        }
        return tape.Embedding(cnn.Encode(tape, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(distinct), training), rows);
    }

    /// <inheritdoc/>
    public void Present(TowerInput input, Span<bool> present)
    {
        var paths = input[Spec.Name].Texts;
        for (int b = 0; b < input.Count; b++) present[b] = store.HasImage(Index(paths[b]));
    }

    /// <summary>The store entry of <paramref name="path"/>: the missing one for "" or a path the store lacks.</summary>
    internal int Index(string? path) => path is { Length: > 0 } && indexOfPath.TryGetValue(path, out int i) ? i : missing;
}
