using Tandem.Models;
using Tandem.Models.Persistence;
using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// Loads a model file into a <see cref="ServingModel"/> from the file alone (its recipe, weights and
/// embedded catalogue) plus the items file's display fields, or with <see cref="IndexPath"/> around
/// an index file built by <c>tandem index build --model</c> (ids = catalogue rows).
/// </summary>
/// <param name="DataDir">Where the model's named dataset is looked for, for display fields (null: where it was trained from).</param>
/// <param name="IndexPath">An index file to serve instead of building one; it is read again on every reload.</param>
/// <param name="Spec">Factory string of the index built from the model. Default HNSW32.</param>
/// <param name="EfSearch">HNSW efSearch for requests (the CLI's recommend uses the same default); 0: the index's own.</param>
public sealed record ServingLoader(string? DataDir, string? IndexPath, string Spec = "HNSW32", int EfSearch = EmbeddedCatalogue.DefaultEfSearch)
{
    /// <summary>The loader <paramref name="options"/> describe.</summary>
    public ServingLoader(TandemOptions options) : this(options.DataDirectory, options.IndexPath, options.IndexSpec, options.EfSearch) { }

    /// <summary>The serving model of the model file at <paramref name="path"/>.</summary>
    public ServingModel Load(string path)
    {
        // Temporary files a killed writer (train, index build) left beside the model or the index go first.
        foreach (string file in new[] { path, IndexPath }.OfType<string>()) Tandem.IO.AtomicFile.RemoveStale(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var model = TwoTowerModel.Load(path);
        var catalogue = TwoTowerModelFile.ReadCatalogue(path)
            ?? throw new TandemException($"{path}: the model file holds no embedded catalogue; save it with one (tandem train does)");
        return ServingModel.Build(model, catalogue, ItemFields.Of(model, DataDir), ServingModel.FileVersion(path), new ServingModelOptions
        {
            Spec = Spec,
            EfSearch = EfSearch,
            Index = IndexPath is null ? null : VectorIndex.Load(IndexPath),
            Calibration = TwoTowerModelFile.ReadCalibration(path),
        });
    }
}
