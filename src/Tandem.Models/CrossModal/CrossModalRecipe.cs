using System.Text.Json;
using Tandem.Models.Recipes;

namespace Tandem.Models.CrossModal;

/// <summary>
/// A cross-modal (caption ↔ image) model: the config of <c>tandem train</c> when it has a
/// <c>"pairs"</c> key. Frozen pretrained encoders on both sides, a trainable head per side (linear,
/// or an MLP with <see cref="Hidden"/>) into a shared L2-normalised space, symmetric InfoNCE over
/// in-batch negatives; the epoch kept is the one with the best validation recall. Keys are camelCase;
/// docs/config.md lists them.
/// </summary>
public sealed record CrossModalRecipe
{
    /// <summary>The image–caption pairs trained on: a folder of Flickr8k's or COCO's layout, or <c>flickr8k-1k</c>; relative to the config's folder. Default flickr8k-1k.</summary>
    public string Pairs { get; init; } = "flickr8k-1k";
    /// <summary>The captions' encoder (docs/text.md). Default minilm.</summary>
    public string TextEncoder { get; init; } = "minilm";
    /// <summary>The images' encoder. Default resnet18.</summary>
    public string ImageEncoder { get; init; } = "resnet18";
    /// <summary>Hidden widths of each side's head (ReLU); empty: a linear projection. Default [].</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [];
    /// <summary>Width of the shared space. Default 256.</summary>
    public int Dimension { get; init; } = 256;
    /// <summary>Softmax temperature of the symmetric InfoNCE. Default 0.05.</summary>
    public float Temperature { get; init; } = 0.05f;
    /// <summary>Most epochs, each one pass over the training photos with one random caption each. Default 30.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Stop after this many epochs without a better validation recall, keeping the best; 0: never. Default 5.</summary>
    public int Patience { get; init; } = 5;
    /// <summary>Photo–caption pairs per step (the in-batch negatives). Default 100.</summary>
    public int BatchSize { get; init; } = 100;
    /// <summary>Adam learning rate. Default 0.001.</summary>
    public float LearningRate { get; init; } = 0.001f;
    /// <summary>Seed of the photo split, the initialisation and the batches. Default 42.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Training photos of the seeded split; the rest after <see cref="ValidationFraction"/> is the test. Default 0.8 of the photos.</summary>
    public double TrainFraction { get; init; } = 0.8;
    /// <summary>Validation photos (early stopping), as a fraction. Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Reads and checks a config file; a relative <see cref="Pairs"/> folder becomes absolute against its folder.</summary>
    /// <exception cref="ModelException">The file is missing, not JSON of this shape, or a field is out of range: one line naming the file and the field.</exception>
    public static CrossModalRecipe Read(string path)
    {
        if (!File.Exists(path)) throw new ModelException($"{path}: config file not found; check the path");
        CrossModalRecipe? recipe;
        try { recipe = JsonSerializer.Deserialize<CrossModalRecipe>(File.ReadAllText(path), ModelRecipe.Json); }
        catch (JsonException e)
        {
            throw new ModelException($"{path}: line {e.LineNumber + 1}: {e.Message.Split(" Path:")[0].Split(". LineNumber")[0]}" + (e.Path is { Length: > 2 } p ? $" (field '{p[2..]}')" : ""));
        }
        if (recipe is null) throw new ModelException($"{path}: the config is null");
        recipe.Validate(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string pairs = Path.GetFullPath(recipe.Pairs, folder);
        return Directory.Exists(pairs) ? recipe with { Pairs = pairs } : recipe;
    }

    /// <summary>Whether the JSON config at <paramref name="path"/> describes a cross-modal model (has a top-level <c>"pairs"</c>).</summary>
    public static bool IsCrossModal(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("pairs", out _);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return false; // the two-tower reader reports it
        }
    }

    /// <summary>Checks every field's range.</summary>
    /// <exception cref="ModelException">A field is out of range.</exception>
    public void Validate(string source = "config")
    {
        var errors = new RecipeErrors(source);
        if (string.IsNullOrWhiteSpace(TextEncoder)) errors.Field("textEncoder", TextEncoder, "must name a text encoder: minilm, arctic-xs or an .onnx file with its spec");
        if (string.IsNullOrWhiteSpace(ImageEncoder)) errors.Field("imageEncoder", ImageEncoder, "must name an image encoder: resnet18 or an .onnx file with its spec");
        for (int i = 0; i < Hidden.Count; i++) errors.AtLeast($"hidden[{i}]", Hidden[i], 1);
        errors.AtLeast("dimension", Dimension, 1);
        errors.Positive("temperature", Temperature);
        errors.AtLeast("epochs", Epochs, 1);
        errors.AtLeast("patience", Patience, 0);
        errors.AtLeast("batchSize", BatchSize, 2);
        errors.Positive("learningRate", LearningRate);
        if (!(TrainFraction > 0 && ValidationFraction > 0 && TrainFraction + ValidationFraction < 1))
            errors.Field("trainFraction", TrainFraction, $"with validationFraction {ValidationFraction} must leave test photos: both above 0, their sum below 1");
    }
}
