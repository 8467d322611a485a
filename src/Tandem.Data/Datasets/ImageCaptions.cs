using System.Text.Json;

namespace Tandem.Data.Datasets;

/// <summary>
/// Image–caption pairs datasets, in either layout: Flickr8k's (<c>captions.txt</c>, CSV <c>image,caption</c>,
/// and <c>images/</c>) or COCO captions' (<c>annotations/captions_*.json</c> with <c>images</c>
/// (<c>id</c>, <c>file_name</c>) and <c>annotations</c> (<c>image_id</c>, <c>caption</c>), the photos in a
/// folder named like the file's suffix, e.g. <c>val2017/</c> for <c>captions_val2017.json</c>, else
/// <c>images/</c> or the dataset folder). COCO images without a file, or without a caption, are left out,
/// so a subset of the photos can be used as it is.
/// </summary>
public static class ImageCaptions
{
    /// <summary>The pairs at <paramref name="path"/>: a folder of either layout, or a name (<c>flickr8k-1k</c>) looked for under <paramref name="dataDir"/>.</summary>
    /// <exception cref="DataException">Neither layout is found, a file is malformed (named with its line or field), or no image is left.</exception>
    public static Flickr8kData Load(string path, string? dataDir = null)
    {
        if (!System.IO.Directory.Exists(path))
        {
            if (path == Flickr8k.Name) return Flickr8k.Load(dataDir);
            DataThrow.Data($"{path}: pairs dataset folder not found; give a folder with captions.txt and images/ (Flickr8k) or annotations/captions_*.json (COCO), or {Flickr8k.Name}");
        }
        if (File.Exists(Path.Combine(path, "captions.txt"))) return Flickr8k.LoadFolder(path);
        string annotations = Path.Combine(path, "annotations");
        var files = System.IO.Directory.Exists(annotations) ? System.IO.Directory.GetFiles(annotations, "captions_*.json").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0)
            DataThrow.Data($"{path}: neither captions.txt (Flickr8k layout) nor annotations/captions_*.json (COCO layout) found");
        return Coco(path, files);
    }

    static Flickr8kData Coco(string directory, string[] files)
    {
        var images = new List<string>();
        var captions = new List<List<string>>();
        foreach (string file in files)
        {
            string split = Path.GetFileNameWithoutExtension(file)["captions_".Length..];
            string folder = new[] { split, "images", "" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(System.IO.Directory.Exists) ?? directory;
            var byId = new Dictionary<long, int>();
            using var json = Parse(file);
            foreach (var image in Array(json.RootElement, "images", file))
            {
                long id = Field(image, "id", file).GetInt64();
                string name = Field(image, "file_name", file).GetString() ?? "";
                string relative = Path.GetRelativePath(directory, Path.Combine(folder, name));
                if (name.Length == 0 || !File.Exists(Path.Combine(directory, relative))) continue; // only images present
                byId[id] = images.Count;
                images.Add(relative);
                captions.Add([]);
            }
            foreach (var annotation in Array(json.RootElement, "annotations", file))
            {
                string text = (Field(annotation, "caption", file).GetString() ?? "").Trim();
                if (byId.TryGetValue(Field(annotation, "image_id", file).GetInt64(), out int i) && text.Length > 0) captions[i].Add(text);
            }
        }
        var kept = Enumerable.Range(0, images.Count).Where(i => captions[i].Count > 0).ToArray();
        if (kept.Length == 0) DataThrow.Data($"{string.Join(", ", files)}: no image has both a file and a caption");
        return new Flickr8kData(directory, [.. kept.Select(i => images[i])], [.. kept.Select(i => captions[i].ToArray())], directory);
    }

    static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            DataThrow.Data($"{file}: not COCO captions JSON (line {e.LineNumber + 1}: {e.Message.Split(" LineNumber")[0]})");
            throw;
        }
    }

    static IEnumerable<JsonElement> Array(JsonElement root, string name, string file) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray()
            : Fail<IEnumerable<JsonElement>>($"{file}: COCO captions need an array \"{name}\"");

    static JsonElement Field(JsonElement e, string name, string file)
    {
        bool number = name is "id" or "image_id";
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind != (number ? JsonValueKind.Number : JsonValueKind.String))
            return Fail<JsonElement>($"{file}: an entry lacks the {(number ? "number" : "string")} field \"{name}\"");
        return v;
    }

    static T Fail<T>(string message)
    {
        DataThrow.Data(message);
        return default!;
    }
}
