using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.IO;
using Tandem.Models.Calibration;

namespace Tandem.Models.Persistence;

/// <summary>
/// A trained <see cref="TwoTowerModel"/> in one <see cref="TandemFileKind.Model"/> file: the caller's
/// configuration (<c>config</c>, JSON: whatever is needed to rebuild the architecture), the fitted
/// features (<c>features</c>, the encoders' state, with its own checksum) and every parameter
/// (<c>param/{name}</c>), and optionally a Platt scaling (<c>calibration</c>, JSON) added by
/// <see cref="WriteCalibration"/>. Magic, version, lengths and checksums come from the container.
/// The calibration section is optional, so files without it (all written before it existed) stay
/// valid at format version 1, and readers that predate it ignore it. A loaded model scores
/// exactly like the saved one: the same bits in, the same bits out.
/// </summary>
public static class TwoTowerModelFile
{
    const string ConfigSection = "config", FeaturesSection = "features", CalibrationSection = "calibration";

    /// <summary>Writes <paramref name="model"/> and <paramref name="config"/> to <paramref name="path"/> atomically (temp file, then rename).</summary>
    /// <exception cref="TandemFileException">The file cannot be written; any previous file at <paramref name="path"/> is left as it was.</exception>
    public static void Save<TConfig>(string path, TwoTowerModel model, TConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        var writer = new TandemFileWriter(TandemFileKind.Model);
        writer.AddJson(ConfigSection, config);
        writer.Add(FeaturesSection, SectionKind.Bytes, model.Features.Save);
        ParameterSections.Write(writer, model.Parameters);
        writer.Save(path);
    }

    /// <summary>
    /// Reads a model file: its configuration, then the fitted features for <paramref name="schema"/>,
    /// then <paramref name="build"/> makes the architecture from both, and the saved parameters are
    /// copied into it (every name and shape checked first).
    /// </summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt, not a model file, or does not match the built architecture.</exception>
    public static (TwoTowerModel Model, TConfig Config) Load<TConfig>(string path, FeatureSchema schema, Func<TConfig, FittedFeatures, TwoTowerModel> build) =>
        Load(path, _ => schema, build);

    /// <summary>As the overload above, for models whose schema depends on their configuration (a schema file it names).</summary>
    /// <exception cref="TandemFileException">The file is missing, corrupt, not a model file, or does not match the built architecture.</exception>
    public static (TwoTowerModel Model, TConfig Config) Load<TConfig>(string path, Func<TConfig, FeatureSchema> schema, Func<TConfig, FittedFeatures, TwoTowerModel> build)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(build);
        using var reader = TandemFileReader.Open(path, TandemFileKind.Model);
        var config = reader.ReadJson<TConfig>(ConfigSection);
        var declared = schema(config);
        FittedFeatures features;
        try
        {
            using var stream = new MemoryStream(reader.ReadBytes(FeaturesSection));
            features = FittedFeatures.Load(stream, declared);
        }
        catch (Tandem.Data.DataException e)
        {
            FileThrow.File(path, $"section '{FeaturesSection}' cannot be read: {e.Message}", e);
            throw;
        }
        var model = build(config, features);
        ParameterSections.Read(reader, model.Parameters);
        return (model, config);
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
    /// any earlier one), every other section copied byte for byte; atomically, like <see cref="Save{TConfig}"/>.
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
}
