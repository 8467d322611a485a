using Tandem.Models.Persistence;
using Tandem.Retrieval;
using Tandem.Serving;

namespace Tandem.Cli;

/// <summary>
/// Loads a model file and the data it was trained on into a <see cref="ServingModel"/>
/// (<see cref="ServingModel.Build"/> does the work), or with <see cref="IndexPath"/> around an
/// index file whose ids are item ids.
/// </summary>
/// <param name="DataDir">Folder holding ml-latest-small/ (null: the defaults of <c>--data-dir</c>).</param>
/// <param name="IndexPath">An index file to serve instead of building one; it is read again on every reload.</param>
/// <param name="Spec">Factory string of the index built from the model. Default HNSW32.</param>
/// <param name="EfSearch">HNSW efSearch for requests; 0: the index's own.</param>
sealed record ServingLoader(string? DataDir, string? IndexPath, string Spec = "HNSW32", int EfSearch = 0)
{
    /// <summary>The serving model of the model file at <paramref name="path"/>.</summary>
    public ServingModel Load(string path)
    {
        var (session, model, _) = MovieLensSession.LoadModel(path, DataDir);
        using (session)
        {
            var data = ServingData.FromHoldout(session.Holdout, session.Items, session.Users, session.Log.UserKeys!, session.Fields);
            return ServingModel.Build(model, data, ServingModel.FileVersion(path), new ServingModelOptions
            {
                Spec = Spec,
                EfSearch = EfSearch,
                Index = IndexPath is null ? null : VectorIndex.Load(IndexPath),
                Calibration = TwoTowerModelFile.ReadCalibration(path),
            });
        }
    }
}
