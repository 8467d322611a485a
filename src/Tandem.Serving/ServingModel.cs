using System.Globalization;
using System.IO.Hashing;
using Tandem.Models;
using Tandem.Models.Calibration;
using Tandem.Models.Ranking;
using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// Everything one model version serves with, swapped as one unit on reload: the item index, the
/// item catalogue, the known users, the user tower for raw features, the cold-start list, the
/// calibration and, with a ranker, the two-stage pipeline (so a reload swaps retrieval model, index
/// and ranker together). Reference-counted: <see cref="ModelHolder"/> holds one reference and each request
/// one more, so a retired model is disposed only when its last request finishes.
/// </summary>
public sealed class ServingModel : IDisposable
{
    int references = 1;

    /// <summary>Names this model (e.g. <see cref="FileVersion"/>); cache keys carry it, so vectors of different models never mix.</summary>
    public required string Version { get; init; }
    /// <summary>The items searched; ids are catalogue rows (as <c>tandem index build --model</c> numbers them).</summary>
    public required IVectorIndex Index { get; init; }
    /// <summary>HNSW candidate-list size for searches; 0 uses the index's own.</summary>
    public int EfSearch { get; init; }
    /// <summary>Items with embeddings and display fields.</summary>
    public required ItemCatalog Items { get; init; }
    /// <summary>Users known by id.</summary>
    public required UserTable Users { get; init; }
    /// <summary>The user tower for raw features.</summary>
    public required IUserEncoder Encoder { get; init; }
    /// <summary>Catalogue rows by training interactions, most first: the cold-start answer.</summary>
    public required int[] Popular { get; init; }
    /// <summary>Each <see cref="Popular"/> item's training interactions over the most popular item's, in (0, 1]: the cold-start score, on a scale MMR can weigh against similarity.</summary>
    public required float[] PopularScores { get; init; }
    /// <summary>The model file's Platt scaling, or null.</summary>
    public PlattScaling? Calibration { get; init; }

    /// <summary>Retrieve, rank and diversify, when the model is served with a ranker; else null.</summary>
    public TwoStagePipeline? Pipeline { get; init; }

    /// <summary>The catalogue row of index id <paramref name="id"/>, or -1 for an indexed item outside the catalogue.</summary>
    public int RowOf(long id) => RowOf(id, Items.Count);

    static int RowOf(long id, int items) => (ulong)id < (ulong)items ? (int)id : -1;

    /// <summary>
    /// A served model: <paramref name="model"/>'s user tower for raw features over the items and
    /// users its <paramref name="catalogue"/> embedded when it was saved (no embedding pass here),
    /// with <paramref name="fields"/> to show, popularity from the training counts, and the item
    /// index built (ids = catalogue rows) or taken from <see cref="ServingModelOptions.Index"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The given index's width is not the model's, or the model gives several vectors per user (multi-interest), which is not served.</exception>
    public static ServingModel Build(TwoTowerModel model, EmbeddedCatalogue catalogue, ItemFields? fields, string version, ServingModelOptions options = default)
    {
        if (model.User.Vectors > 1)
            throw new ArgumentException($"the model gives {model.User.Vectors} interest vectors per user; the service answers from one vector per user, so serve a single-vector model");
        options = options == default ? new ServingModelOptions() : options;
        int d = catalogue.Dimension, n = catalogue.ItemKeys.Length;
        if (options.Index is { } given && given.Dimension != d)
        {
            given.Dispose();
            throw new ArgumentException($"the index holds {given.Dimension}-d vectors but the model's embeddings are {d}-d; build the index from {d}-d vectors");
        }
        var counts = catalogue.ItemCounts;
        var byCount = Enumerable.Range(0, n).Where(i => counts[i] > 0).OrderByDescending(i => counts[i]).ThenBy(i => i).ToArray();
        float most = byCount.Length > 0 ? counts[byCount[0]] : 1;
        var index = options.Index ?? catalogue.Index(options.Spec);
        var items = new ItemCatalog(catalogue.ItemKeys, catalogue.ItemVectors, d, fields);
        return new ServingModel
        {
            Version = version,
            Index = index,
            EfSearch = options.EfSearch,
            Items = items,
            Users = new UserTable(catalogue.UserKeys, catalogue.UserVectors, d, catalogue.Seen),
            Encoder = new TowerUserEncoder(model.User, model.Features),
            Popular = byCount,
            PopularScores = [.. byCount.Select(i => counts[i] / most)],
            Calibration = options.Calibration,
            Pipeline = options.Ranking is { } ranking
                ? new TwoStagePipeline(catalogue.ItemKeys, new IndexRetrieval(index, options.EfSearch, id => RowOf(id, n)), ranking, new MmrDiversity(catalogue.ItemVectors, d))
                : null,
        };
    }

    /// <summary>A version for the model file at <paramref name="path"/>: its name and the start of its content's XxHash64, so two different files never share one.</summary>
    public static string FileVersion(string path) =>
        $"{Path.GetFileNameWithoutExtension(path)}-{Convert.ToHexStringLower(XxHash64.Hash(File.ReadAllBytes(path)))[..12]}";

    /// <summary>Takes a reference unless the model was already released for good.</summary>
    internal bool TryAcquire()
    {
        for (int n = Volatile.Read(ref references); n > 0; n = Volatile.Read(ref references))
            if (Interlocked.CompareExchange(ref references, n + 1, n) == n) return true;
        return false;
    }

    /// <summary>Drops a reference; the last one disposes the index.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref references) == 0) Index.Dispose();
    }

    /// <summary>Drops the owner's reference (the index is freed once no request uses it).</summary>
    public void Dispose() => Release();
}
