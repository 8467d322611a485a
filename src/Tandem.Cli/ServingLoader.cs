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
        var (session, model, _) = MovieLensSession.LoadModel(path, DataDir);
        using (session)
        {
            int d = model.User.OutputDimension;
            var holdout = session.Holdout;
            var catalogue = holdout.CatalogueItems;
            var movieIds = catalogue.Select(v => ItemId(path, session.ItemVocabulary.Token(v)!)).ToArray();
            float[] itemVectors;
            using (var v = model.EmbedItems(session.Items, catalogue)) itemVectors = v.Span.ToArray();
            var keys = movieIds.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToArray();
            var items = new ItemCatalog(movieIds, itemVectors, d,
                [.. keys.Select(k => session.Titles.GetValueOrDefault(k))], [.. keys.Select(k => session.Genres.GetValueOrDefault(k) ?? [])]);

            var users = Enumerable.Range(0, session.Users.UserCount).Where(session.Users.HasTraining).ToArray();
            float[] userVectors;
            using (var u = TwoTowerModel.Embed(model.User, Chunks(users, 256).Select(c => session.Users.Input(c)))) userVectors = u.Span.ToArray();
            var seen = users.Select(u => holdout.Excluded[u].ToArray().Select(i => movieIds[i]).ToArray()).ToArray();
            var table = new UserTable([.. users.Select(u => session.Log.UserKeys![u])], userVectors, d, seen);

            var byCount = Enumerable.Range(0, catalogue.Count).Where(i => holdout.TrainCounts[i] > 0).OrderByDescending(i => holdout.TrainCounts[i]).ThenBy(i => movieIds[i]).ToArray();
            float most = byCount.Length > 0 ? holdout.TrainCounts[byCount[0]] : 1;
            return new ServingModel
            {
                Version = Version(path),
                Index = Index(itemVectors, movieIds, d),
                EfSearch = EfSearch,
                Items = items,
                Users = table,
                Encoder = new TowerUserEncoder(model.User, session.Fitted),
                Popular = [.. byCount.Select(i => movieIds[i])],
                PopularScores = [.. byCount.Select(i => holdout.TrainCounts[i] / most)],
                Calibration = TwoTowerModelFile.ReadCalibration(path),
            };
        }
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

    static long ItemId(string modelPath, string key) =>
        long.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out long id) ? id
        : CliThrow.Input<long>($"{modelPath}: item id \"{key}\" is not an integer, and served item ids are 64-bit integers");
}
