using Tandem.Data.Images;

namespace Tandem.Models.Towers;

/// <summary>
/// The images an image feature reads: a store of every distinct path the data holds (entry i is
/// <see cref="Paths"/>[i]) and the entry used for rows without an image. A model loaded from a file
/// without its data gets <see cref="Empty"/>: its item embeddings come from the file's catalogue.
/// </summary>
/// <param name="Store">The decoded, resized images.</param>
/// <param name="Paths">The path of each store entry.</param>
/// <param name="Missing">The entry without an image.</param>
public sealed record ImageSet(ImageStore Store, IReadOnlyList<string> Paths, int Missing)
{
    /// <summary>
    /// Every distinct non-empty path of <paramref name="paths"/> (as the data writes them; relative ones
    /// are read from <paramref name="folder"/>), decoded at <paramref name="size"/> pixels; an unreadable
    /// image is the missing modality.
    /// </summary>
    public static ImageSet Build(IEnumerable<string> paths, int size, string folder = "")
    {
        string[] distinct = [.. paths.Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), ""];
        var sources = distinct.Select(p => new ImageSource(p, p.Length > 0 ? Path.GetFullPath(p, Path.GetFullPath(folder)) : null)).ToArray();
        return new ImageSet(ImageStore.Build(sources, new ImageOptions { Size = size, Missing = MissingImages.Mask }), distinct, distinct.Length - 1);
    }

    /// <summary>No images: one entry, the missing one.</summary>
    public static ImageSet Empty(int size) => Build([], size);
}
