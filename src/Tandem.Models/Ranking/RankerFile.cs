using System.Text;
using Tandem.Data;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.IO;
using Tandem.Models.Calibration;
using Tandem.Models.Persistence;
using Tandem.Models.Recipes;

namespace Tandem.Models.Ranking;

/// <summary>
/// A trained <see cref="Ranker"/> in one <see cref="TandemFileKind.Model"/> file: its recipe
/// (<c>recipe</c>, with its <c>ranker</c> section), schema, fitted features, every parameter and
/// its calibration (<c>calibration</c>, fitted on validation). Magic, version, lengths and checksums
/// come from the container; a loaded ranker scores with the same bits as the saved one.
/// </summary>
public static class RankerFile
{
    const string RecipeSection = "recipe", SchemaSection = "schema", FeaturesSection = "features", CalibrationSection = "calibration";

    /// <summary>Writes <paramref name="ranker"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ModelException">The ranker was built by hand, without a recipe.</exception>
    /// <exception cref="TandemFileException">The file cannot be written; a previous file is left as it was.</exception>
    public static void Save(string path, Ranker ranker)
    {
        var recipe = ranker.Recipe ?? throw new ModelException("The ranker was built without a recipe, so a file could not rebuild it; build it from a ModelRecipe with a ranker section.");
        var writer = new TandemFileWriter(TandemFileKind.Model);
        Text(writer, RecipeSection, recipe.ToJson());
        Text(writer, SchemaSection, SchemaJson.Write(ranker.Features.Schema));
        writer.Add(FeaturesSection, SectionKind.Bytes, ranker.Features.Save);
        ParameterSections.Write(writer, ranker.Parameters);
        writer.AddJson(CalibrationSection, ranker.Calibration);
        writer.Save(path);
    }

    /// <summary>Whether the model file at <paramref name="path"/> holds a ranker (its recipe has a ranker section).</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt or not a model file.</exception>
    public static bool IsRanker(string path)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        return reader.Contains(RecipeSection) && ReadRecipe(reader, path).Ranker is not null;
    }

    /// <summary>Rebuilds the ranker saved at <paramref name="path"/> from the file alone.</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt, not a ranker, or its parts do not fit together.</exception>
    public static Ranker Load(string path)
    {
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        if (!reader.Contains(RecipeSection)) FileThrow.Corrupt(path, "it has no recipe section: it was written by an older Tandem; train the model again");
        var recipe = ReadRecipe(reader, path);
        if (recipe.Ranker is null) FileThrow.File(path, "it holds a two-tower model, not a ranker; load it with TwoTowerModel.Load");
        FittedFeatures features;
        Ranker ranker;
        try
        {
            var schema = SchemaJson.Parse(Encoding.UTF8.GetString(reader.ReadBytes(SchemaSection, SectionKind.Json)), $"{path}: section '{SchemaSection}'");
            using var stream = new MemoryStream(reader.ReadBytes(FeaturesSection));
            features = FittedFeatures.Load(stream, schema);
            ranker = new Ranker(features, recipe.Ranker, recipe.Training.Seed) { Recipe = recipe };
        }
        catch (Exception e) when (e is DataException or ModelException)
        {
            FileThrow.File(path, $"its schema, features or ranker cannot be read: {e.Message}", e);
            throw;
        }
        ParameterSections.Read(reader, ranker.Parameters);
        ranker.Calibration = reader.ReadJson<Calibrator>(CalibrationSection);
        return ranker;
    }

    static ModelRecipe ReadRecipe(TandemFileReader reader, string path)
    {
        try { return ModelRecipe.Parse(Encoding.UTF8.GetString(reader.ReadBytes(RecipeSection, SectionKind.Json)), $"{path}: section '{RecipeSection}'"); }
        catch (ModelException e)
        {
            FileThrow.File(path, $"its recipe cannot be read: {e.Message}", e);
            throw;
        }
    }

    static void Text(TandemFileWriter writer, string name, string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        writer.Add(name, SectionKind.Json, s => s.Write(bytes));
    }
}
