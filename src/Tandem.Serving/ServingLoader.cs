using Tandem.Models;
using Tandem.Models.Persistence;
using Tandem.Models.Ranking;
using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// Loads a model file into a <see cref="ServingModel"/> from the file alone (its recipe, weights and
/// embedded catalogue) plus the items file's display fields, or with <see cref="IndexPath"/> around
/// an index file built by <c>tandem index build --model</c> (ids = catalogue rows), and with
/// <see cref="RankerPath"/> the ranker over its data: every load reads model, index and ranker, so a
/// reload swaps all three in together.
/// </summary>
/// <param name="DataDir">Where the model's named dataset is looked for, for display fields and the ranker's data (null: where it was trained from).</param>
/// <param name="IndexPath">An index file to serve instead of building one; it is read again on every reload.</param>
/// <param name="Spec">Factory string of the index built from the model. Default HNSW32.</param>
/// <param name="EfSearch">HNSW efSearch for requests (the CLI's recommend uses the same default); 0: the index's own.</param>
/// <param name="RankerPath">A ranker file whose stage re-ranks the retrieved candidates; it is read again on every reload.</param>
public sealed record ServingLoader(string? DataDir, string? IndexPath, string Spec = "HNSW32", int EfSearch = EmbeddedCatalogue.DefaultEfSearch, string? RankerPath = null)
{
    /// <summary>The loader <paramref name="options"/> describe.</summary>
    public ServingLoader(TandemOptions options) : this(options.DataDirectory, options.IndexPath, options.IndexSpec, options.EfSearch) { }

    /// <summary>An index searched elsewhere (a cluster: <c>serve --cluster</c>) for a model version, width and item count; null: local.</summary>
    public Func<string, int, int, IVectorIndex>? RemoteIndex { get; init; }

    /// <summary>The serving model of the model file at <paramref name="path"/>; its version names the ranker too (<c>model+ranker</c>).</summary>
    public ServingModel Load(string path)
    {
        // Temporary files a killed writer (train, index build) left beside the model, the index or the ranker go first.
        foreach (string file in new[] { path, IndexPath, RankerPath }.OfType<string>()) Tandem.IO.AtomicFile.RemoveStale(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var model = TwoTowerModel.Load(path);
        var catalogue = TwoTowerModelFile.Catalogue(path);
        var ranking = RankerPath is null ? null : RankerStage.Load(RankerPath, DataDir, model, path, catalogue.ItemKeys);
        string version = ServingModel.FileVersion(path) + (RankerPath is null ? "" : "+" + ServingModel.FileVersion(RankerPath));
        return ServingModel.Build(model, catalogue, ItemFields.Of(model, DataDir), version, new ServingModelOptions
        {
            Spec = Spec,
            EfSearch = EfSearch,
            Index = RemoteIndex is { } remote ? remote(ServingModel.FileVersion(path), catalogue.Dimension, catalogue.ItemKeys.Length)
                : IndexPath is null ? null : VectorIndex.Load(IndexPath),
            Calibration = TwoTowerModelFile.ReadCalibration(path),
            Ranking = ranking,
        });
    }
}
