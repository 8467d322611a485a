using Tandem.Data.Encoders;
using Tandem.Data.Schema;

namespace Tandem.Models.Persistence;

/// <summary>
/// A trained <see cref="TwoTowerModel"/> in one <see cref="TandemFileKind.Model"/> file: the caller's
/// configuration (<c>config</c>, JSON: whatever is needed to rebuild the architecture), the fitted
/// features (<c>features</c>, the encoders' state, with its own checksum) and every parameter
/// (<c>param/{name}</c>). Magic, version, lengths and checksums come from the container. A loaded
/// model scores exactly like the saved one: the same bits in, the same bits out.
/// </summary>
public static class TwoTowerModelFile
{
    const string ConfigSection = "config", FeaturesSection = "features";

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
            PersistenceThrow.File(path, $"section '{FeaturesSection}' cannot be read: {e.Message}", e);
            throw;
        }
        var model = build(config, features);
        ParameterSections.Read(reader, model.Parameters);
        return (model, config);
    }
}
