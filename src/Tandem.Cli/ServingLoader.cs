using System.Globalization;
using System.IO.Hashing;
using Tandem.Models;
using Tandem.Models.Persistence;
using Tandem.Retrieval;
using Tandem.Serving;
using Tandem.Serving.Catalogs;

namespace Tandem.Cli;

/// <summary>
/// Loads a MovieLens model file into a <see cref="ServingModel"/>: embeds every known user and
/// catalogue movie once, reads titles and genres, counts popularity, and builds the item index
/// from the item embeddings (or loads <see cref="IndexPath"/>, whose ids must be movieIds).
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
        var model = TwoTowerModel.Load(path);
        var catalogue = ModelFiles.Catalogue(path);
        int d = catalogue.Dimension;
        var movieIds = catalogue.ItemKeys.Select(k => long.Parse(k, CultureInfo.InvariantCulture)).ToArray();
        var items = new ItemCatalog(movieIds, catalogue.ItemVectors, d, new string?[movieIds.Length], [.. movieIds.Select(_ => Array.Empty<string>())]);
        var seen = catalogue.Seen.Select(s => s.Select(i => movieIds[i]).ToArray()).ToArray();
        var table = new UserTable(catalogue.UserKeys, catalogue.UserVectors, d, seen);
        var byCount = Enumerable.Range(0, movieIds.Length).Where(i => catalogue.ItemCounts[i] > 0).OrderByDescending(i => catalogue.ItemCounts[i]).ThenBy(i => movieIds[i]).ToArray();
        float most = byCount.Length > 0 ? catalogue.ItemCounts[byCount[0]] : 1;
        return new ServingModel
        {
            Version = Version(path),
            Index = Index(catalogue.ItemVectors, movieIds, d),
            EfSearch = EfSearch,
            Items = items,
            Users = table,
            Encoder = new TowerUserEncoder(model.User, model.Features),
            Popular = [.. byCount.Select(i => movieIds[i])],
            PopularScores = [.. byCount.Select(i => catalogue.ItemCounts[i] / most)],
            Calibration = TwoTowerModelFile.ReadCalibration(path),
        };
    }

    VectorIndex Index(float[] vectors, long[] ids, int dimension)
    {
        if (IndexPath is not null)
        {
            var loaded = VectorIndex.Load(IndexPath);
            if (loaded.Dimension == dimension) return loaded;
            loaded.Dispose();
            CliThrow.Input($"{IndexPath}: the index holds {loaded.Dimension}-d vectors but the model's embeddings are {dimension}-d; build the index from {dimension}-d vectors");
        }
        var index = IndexFactory.Create(Spec, dimension, Metric.InnerProduct);
        if (!index.IsTrained) index.Train(vectors);
        index.Add(vectors, ids);
        return index;
    }

    /// <summary>The file name and the start of its content's XxHash64: two different files never share a version.</summary>
    static string Version(string path) =>
        $"{Path.GetFileNameWithoutExtension(path)}-{Convert.ToHexStringLower(XxHash64.Hash(File.ReadAllBytes(path)))[..12]}";

    static IEnumerable<int[]> Chunks(int[] all, int size)
    {
        for (int s = 0; s < all.Length; s += size) yield return all[s..Math.Min(all.Length, s + size)];
    }
}
