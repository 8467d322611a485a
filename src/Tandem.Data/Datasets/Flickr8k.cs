using Tandem.Data.IO;

namespace Tandem.Data.Datasets;

/// <summary>
/// An image–caption pairs dataset (Flickr8k's layout or COCO's, <see cref="ImageCaptions"/>): <see cref="Images"/>
/// (file paths relative to <see cref="ImageDirectory"/>) in the order the captions first name them, and each
/// image's captions in file order.
/// </summary>
public sealed record Flickr8kData(string Directory, IReadOnlyList<string> Images, IReadOnlyList<string[]> Captions, string? ImageFolder = null)
{
    /// <summary>The folder the image paths are relative to: Flickr8k's <c>images/</c>, or the COCO folder itself.</summary>
    public string ImageDirectory => ImageFolder ?? Path.Combine(Directory, "images");

    /// <summary>The path of image <paramref name="index"/>.</summary>
    public string ImagePath(int index) => Path.Combine(ImageDirectory, Images[index]);

    /// <summary>
    /// A seeded split of the image indices into <paramref name="train"/>, <paramref name="validation"/> and the
    /// rest for test (a Fisher–Yates shuffle by <c>new Random(seed)</c>, then consecutive runs), so every
    /// caption of a photo lands with it and no photo is in two parts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The parts do not fit the images or one is empty.</exception>
    public (int[] Train, int[] Validation, int[] Test) Split(int seed, int train = 800, int validation = 100)
    {
        if (train < 1 || validation < 0 || train + validation >= Images.Count)
            throw new ArgumentOutOfRangeException(nameof(train), $"{train} training and {validation} validation images leave no test images of {Images.Count}.");
        var order = Enumerable.Range(0, Images.Count).ToArray();
        new Random(seed).Shuffle(order);
        return (order[..train], order[train..(train + validation)], order[(train + validation)..]);
    }
}

/// <summary>
/// Loads <c>flickr8k-1k</c>: 1,000 Flickr8k photos with five captions each, our proxy for MS COCO's
/// cross-modal retrieval. The folder holds <c>captions.txt</c> (CSV with header <c>image,caption</c>,
/// captions quoted when they hold commas) and <c>images/</c>. This 1k subset is not published as an
/// archive, so there is no download: the folder is looked for under <c>--data-dir</c>,
/// <c>TANDEM_DATA</c> and the cache folder.
/// </summary>
public static class Flickr8k
{
    /// <summary>The dataset's folder name.</summary>
    public const string Name = "flickr8k-1k";

    /// <summary>Reads the captions and checks that every image named has a file.</summary>
    /// <exception cref="DataException">The folder is not found, the captions file lacks a column or a field, or an image file is missing; the message names the file and line.</exception>
    public static Flickr8kData Load(string? dataDir = null)
    {
        string? directory = DatasetFetcher.Candidates(Name, dataDir).FirstOrDefault(d => File.Exists(Path.Combine(d, "captions.txt")));
        if (directory is null)
            DataThrow.Data($"{Name} not found in {string.Join(", ", DatasetFetcher.Candidates(Name, dataDir))}; put captions.txt and images/ in {Name}/ under --data-dir or TANDEM_DATA.");
        return LoadFolder(directory);
    }

    /// <summary>Reads a folder of Flickr8k's layout: <c>captions.txt</c> and <c>images/</c>.</summary>
    /// <exception cref="DataException">The captions file lacks a column or a field, or an image file is missing; the message names the file and line.</exception>
    public static Flickr8kData LoadFolder(string directory)
    {
        string path = Path.Combine(directory, "captions.txt");
        var images = new List<string>();
        var captions = new List<List<string>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var reader = new CsvRowReader(path))
        {
            int image = Column(reader, "image"), caption = Column(reader, "caption");
            while (reader.Read())
            {
                if (reader.FieldCount <= Math.Max(image, caption))
                    DataThrow.Malformed(path, reader.Line, $"expected the columns image and caption, found {reader.FieldCount} field(s)");
                string name = reader[image].Trim().ToString(), text = reader[caption].Trim().ToString();
                if (name.Length == 0 || text.Length == 0) DataThrow.Malformed(path, reader.Line, "empty image name or caption");
                if (!index.TryGetValue(name, out int i))
                {
                    if (!File.Exists(Path.Combine(directory, "images", name)))
                        DataThrow.Malformed(path, reader.Line, $"image '{name}' has no file in {Path.Combine(directory, "images")}");
                    index[name] = i = images.Count;
                    images.Add(name);
                    captions.Add([]);
                }
                captions[i].Add(text);
            }
        }
        if (images.Count == 0) DataThrow.Data($"{path}: no captions.");
        return new Flickr8kData(directory, images, captions.Select(c => c.ToArray()).ToArray());
    }

    static int Column(IRowReader reader, string name)
    {
        int i = reader.Columns.ToList().IndexOf(name);
        if (i < 0) DataThrow.MissingColumn(reader.Source, name, reader.Columns);
        return i;
    }
}
