using System.Runtime.InteropServices;
using System.Text;
using Tandem.Data;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.IO;
using Tandem.Models.Calibration;
using Tandem.Models.Recipes;

namespace Tandem.Models.Persistence;

/// <summary>
/// A trained <see cref="TwoTowerModel"/> in one <see cref="TandemFileKind.Model"/> file, holding
/// everything needed to rebuild it: its recipe (<c>recipe</c>, the config's JSON), its schema
/// (<c>schema</c>, JSON), the fitted features (<c>features</c>), the items' training counts
/// (<c>counts</c>, logQ and popularity), every parameter (<c>param/{name}</c>) and every buffer
/// (<c>buffer/{name}</c>, e.g. batch norm's running statistics); optionally the
/// embedded catalogue (<c>catalogue/…</c>, see <see cref="EmbeddedCatalogue"/>) and a Platt scaling
/// (<c>calibration</c>). Magic, version, lengths and checksums come from the container. A loaded
/// model scores exactly like the saved one: the same bits in, the same bits out.
/// </summary>
public static class TwoTowerModelFile
{
    const string RecipeSection = "recipe", SchemaSection = "schema", FeaturesSection = "features", CountsSection = "counts", CalibrationSection = "calibration";
    const string ItemKeys = "catalogue/item-keys", ItemVectors = "catalogue/item-vectors", ItemCounts = "catalogue/item-counts",
        UserKeys = "catalogue/user-keys", UserVectors = "catalogue/user-vectors", SeenOffsets = "catalogue/seen-offsets", SeenItems = "catalogue/seen-items";

    /// <summary>Writes <paramref name="model"/> (and <paramref name="catalogue"/>, if given) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ModelException">The model was built by hand, without a recipe to rebuild it from.</exception>
    /// <exception cref="TandemFileException">The file cannot be written; any previous file at <paramref name="path"/> is left as it was.</exception>
    public static void Save(string path, TwoTowerModel model, EmbeddedCatalogue? catalogue = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var recipe = model.Recipe ?? throw new ModelException("The model was built without a recipe, so a file could not rebuild it; build it with ModelRecipe.Build.");
        var writer = new TandemFileWriter(TandemFileKind.Model);
        Text(writer, RecipeSection, recipe.ToJson());
        Text(writer, SchemaSection, SchemaJson.Write(model.Features.Schema));
        writer.Add(FeaturesSection, SectionKind.Bytes, model.Features.Save);
        Ints(writer, CountsSection, model.ItemCounts);
        ParameterSections.Write(writer, model.Parameters);
        ParameterSections.Write(writer, model.Buffers);
        using var items = catalogue is null ? null : Floats(writer, ItemVectors, catalogue.ItemVectors, catalogue.Dimension);
        using var users = catalogue is null ? null : Floats(writer, UserVectors, catalogue.UserVectors, catalogue.Dimension);
        if (catalogue is not null)
        {
            writer.AddJson(ItemKeys, catalogue.ItemKeys);
            Ints(writer, ItemCounts, catalogue.ItemCounts);
            writer.AddJson(UserKeys, catalogue.UserKeys);
            var offsets = new int[catalogue.Seen.Length + 1];
            for (int u = 0; u < catalogue.Seen.Length; u++) offsets[u + 1] = offsets[u] + catalogue.Seen[u].Length;
            Ints(writer, SeenOffsets, offsets);
            Ints(writer, SeenItems, [.. catalogue.Seen.SelectMany(s => s)]);
        }
        writer.Save(path);
    }

    /// <summary>
    /// Rebuilds the model saved at <paramref name="path"/> from its recipe, schema, fitted features and
    /// parameters; image features read <paramref name="images"/> when given (else none: score from the catalogue),
    /// pretrained-encoder features their vectors in <paramref name="pretrained"/> (they need them).
    /// </summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt, not a model file, or its parts do not fit together.</exception>
    public static TwoTowerModel Load(string path, IReadOnlyDictionary<string, Towers.ImageSet>? images = null, IReadOnlyDictionary<string, Towers.EncodedVectors>? pretrained = null)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        var (recipe, features) = ReadRecipe(reader);
        if (recipe.Ranker is not null) FileThrow.File(path, "it holds a ranker (a CTR model), not a two-tower model; load it with RankerFile.Load");
        var model = recipe.Build(features, ReadInts(reader, CountsSection), images: images, pretrained: pretrained);
        ParameterSections.Read(reader, model.Parameters);
        ParameterSections.Read(reader, model.Buffers);
        return model;
    }

    /// <summary>The recipe and fitted features of the model at <paramref name="path"/>, without building it (its data may be needed first).</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt or not a model file.</exception>
    public static (ModelRecipe Recipe, FittedFeatures Features) ReadRecipe(string path)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        return ReadRecipe(reader);
    }

    static (ModelRecipe, FittedFeatures) ReadRecipe(TandemFileReader reader)
    {
        string path = reader.Path;
        if (!reader.Contains(RecipeSection))
            FileThrow.Corrupt(path, "it has no recipe section: it was written by an older Tandem; train the model again");
        try
        {
            var recipe = ModelRecipe.Parse(Encoding.UTF8.GetString(reader.ReadBytes(RecipeSection, SectionKind.Json)), $"{path}: section '{RecipeSection}'");
            var schema = SchemaJson.Parse(Encoding.UTF8.GetString(reader.ReadBytes(SchemaSection, SectionKind.Json)), $"{path}: section '{SchemaSection}'");
            using var stream = new MemoryStream(reader.ReadBytes(FeaturesSection));
            return (recipe, FittedFeatures.Load(stream, schema));
        }
        catch (Exception e) when (e is DataException or ModelException)
        {
            FileThrow.File(path, $"its recipe, schema or features cannot be read: {e.Message}", e);
            throw;
        }
    }

    /// <summary>The file's embedded catalogue, required: serving and recommending read it.</summary>
    /// <exception cref="ModelException">The file was saved without one.</exception>
    public static EmbeddedCatalogue Catalogue(string path) =>
        ReadCatalogue(path) ?? throw new ModelException($"{path}: the model file holds no embedded catalogue; save it with one (tandem train does)");

    /// <summary>The file's embedded catalogue, or null when it was saved without one.</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt or not a model file.</exception>
    public static EmbeddedCatalogue? ReadCatalogue(string path)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        if (!reader.Contains(ItemKeys)) return null;
        using var items = reader.ReadTensor(ItemVectors);
        using var users = reader.ReadTensor(UserVectors);
        var offsets = ReadInts(reader, SeenOffsets);
        var seenItems = ReadInts(reader, SeenItems);
        var userKeys = reader.ReadJson<string[]>(UserKeys);
        if (offsets.Length != userKeys.Length + 1 || offsets[^1] != seenItems.Length)
            FileThrow.Corrupt(path, $"the seen lists hold {offsets.Length - 1} users and {offsets[^1]} items but the file {userKeys.Length} users and {seenItems.Length} items");
        var seen = new int[userKeys.Length][];
        for (int u = 0; u < seen.Length; u++) seen[u] = seenItems[offsets[u]..offsets[u + 1]];
        try
        {
            return new EmbeddedCatalogue(items.Shape[^1], reader.ReadJson<string[]>(ItemKeys), items.Span.ToArray(), ReadInts(reader, ItemCounts),
                userKeys, users.Span.ToArray(), seen);
        }
        catch (ModelException e)
        {
            FileThrow.Corrupt(path, e.Message);
            throw;
        }
    }

    /// <summary>The file's Platt scaling, or null when it has none.</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt or not a model file.</exception>
    public static PlattScaling? ReadCalibration(string path)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        return reader.Contains(CalibrationSection) ? reader.ReadJson<PlattScaling>(CalibrationSection) : null;
    }

    /// <summary>
    /// Rewrites the model file at <paramref name="path"/> with <paramref name="calibration"/> (replacing
    /// any earlier one), every other section copied byte for byte; atomically, like <see cref="Save"/>.
    /// </summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt, not a model file, or cannot be written.</exception>
    public static void WriteCalibration(string path, PlattScaling calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var writer = new TandemFileWriter(TandemFileKind.Model);
        using (var reader = TandemFileReader.Open(path, TandemFileKind.Model))
            foreach (var section in reader.Sections.Where(s => s.Name != CalibrationSection))
            {
                byte[] bytes = reader.ReadBytes(section.Name, section.Kind);
                writer.Add(section.Name, section.Kind, s => s.Write(bytes));
            }
        writer.AddJson(CalibrationSection, calibration);
        writer.Save(path);
    }

    static void Text(TandemFileWriter writer, string name, string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        writer.Add(name, SectionKind.Json, s => s.Write(bytes));
    }

    static void Ints(TandemFileWriter writer, string name, int[] values) =>
        writer.Add(name, SectionKind.Bytes, s => s.Write(MemoryMarshal.AsBytes(values.AsSpan())));

    static int[] ReadInts(TandemFileReader reader, string name)
    {
        byte[] bytes = reader.ReadBytes(name);
        if (bytes.Length % sizeof(int) != 0) FileThrow.Corrupt(reader.Path, $"section '{name}' is {bytes.Length} bytes, not whole 32-bit integers");
        return MemoryMarshal.Cast<byte, int>(bytes).ToArray();
    }

    /// <summary>Adds <paramref name="values"/> as a [rows, <paramref name="dimension"/>] tensor; the caller disposes the returned copy after saving.</summary>
    static Tandem.Tensors.Tensor Floats(TandemFileWriter writer, string name, float[] values, int dimension)
    {
        var tensor = Tandem.Tensors.Tensor.Empty(values.Length / Math.Max(1, dimension), dimension);
        values.CopyTo(tensor.Span);
        writer.AddTensor(name, tensor);
        return tensor;
    }
}
