using System.Globalization;
using System.IO.Hashing;
using Tandem.Models;
using Tandem.Models.Calibration;
using Tandem.Retrieval;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// Everything one model version serves with, swapped as one unit on reload: the item index, the
/// item catalogue, the known users, the user tower for raw features, the cold-start list and the
/// calibration. Reference-counted: <see cref="ModelHolder"/> holds one reference and each request
/// one more, so a retired model is disposed only when its last request finishes.
/// </summary>
public sealed class ServingModel : IDisposable
{
    int references = 1;

    /// <summary>Names this model (e.g. <see cref="FileVersion"/>); cache keys carry it, so vectors of different models never mix.</summary>
    public required string Version { get; init; }
    /// <summary>The items searched; ids are catalogue rows, or mapped to them by <see cref="IndexRows"/>.</summary>
    public required IVectorIndex Index { get; init; }
    /// <summary>The catalogue row of each index id when the index was built apart from the model (its ids are integer item ids); null: index ids are catalogue rows.</summary>
    public IReadOnlyDictionary<long, int>? IndexRows { get; init; }
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

    /// <summary>The catalogue row of index id <paramref name="id"/>, or -1 for an indexed item outside the catalogue.</summary>
    public int RowOf(long id) => IndexRows is { } rows
        ? rows.TryGetValue(id, out int row) ? row : -1
        : (ulong)id < (ulong)Items.Count ? (int)id : -1;

    /// <summary>
    /// A served model: embeds every catalogue item and known user of <paramref name="data"/> once
    /// with <paramref name="model"/>'s towers, counts popularity, and builds the item index (ids =
    /// catalogue rows) or takes <see cref="ServingModelOptions.Index"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The data's lists disagree in length, or the given index's width is not the model's.</exception>
    public static ServingModel Build(TwoTowerModel model, ServingData data, string version, ServingModelOptions options = default)
    {
        options = options == default ? new ServingModelOptions() : options;
        int d = model.User.OutputDimension, n = data.CatalogueItems.Count, users = data.UserCodes.Count;
        if (data.ItemIds.Count != n || data.Interactions.Count != n)
            throw new ArgumentException($"The serving data has {n} catalogue items, {data.ItemIds.Count} item ids and {data.Interactions.Count} interaction counts; give one of each per item.");
        if (data.UserIds.Count != users || data.Seen.Count != users)
            throw new ArgumentException($"The serving data has {users} users, {data.UserIds.Count} user ids and {data.Seen.Count} seen lists; give one of each per user.");
        if (options.Index is { } given && given.Dimension != d)
        {
            given.Dispose();
            throw new ArgumentException($"the index holds {given.Dimension}-d vectors but the model's embeddings are {d}-d; build the index from {d}-d vectors");
        }

        float[] itemVectors;
        using (var v = model.EmbedItems(data.Items, data.CatalogueItems)) itemVectors = v.Span[..(n * d)].ToArray();
        var items = new ItemCatalog(data.ItemIds, itemVectors, d, data.Fields);
        float[] userVectors;
        using (var u = TwoTowerModel.Embed(model.User, Chunks(data.UserCodes, 256).Select(c => data.Users.Input(c)))) userVectors = u.Span[..(users * d)].ToArray();

        var byCount = Enumerable.Range(0, n).Where(i => data.Interactions[i] > 0).OrderByDescending(i => data.Interactions[i]).ThenBy(i => i).ToArray();
        float most = byCount.Length > 0 ? data.Interactions[byCount[0]] : 1;
        return new ServingModel
        {
            Version = version,
            Index = options.Index ?? BuildIndex(options.Spec, itemVectors, n, d),
            IndexRows = options.Index is null ? null : RowsOfIntegerIds(data.ItemIds),
            EfSearch = options.EfSearch,
            Items = items,
            Users = new UserTable(data.UserIds, userVectors, d, data.Seen),
            Encoder = new TowerUserEncoder(model.User, model.Features),
            Popular = byCount,
            PopularScores = [.. byCount.Select(i => data.Interactions[i] / most)],
            Calibration = options.Calibration,
        };
    }

    /// <summary>A version for the model file at <paramref name="path"/>: its name and the start of its content's XxHash64, so two different files never share one.</summary>
    public static string FileVersion(string path) =>
        $"{Path.GetFileNameWithoutExtension(path)}-{Convert.ToHexStringLower(XxHash64.Hash(File.ReadAllBytes(path)))[..12]}";

    static VectorIndex BuildIndex(string spec, float[] vectors, int n, int dimension)
    {
        var index = IndexFactory.Create(spec, dimension, Metric.InnerProduct);
        if (!index.IsTrained) index.Train(vectors);
        var rows = new long[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        index.Add(vectors, rows);
        return index;
    }

    /// <summary>Catalogue rows by item id for the ids that are integers written canonically (so "7" and "007" are not confused).</summary>
    static Dictionary<long, int> RowsOfIntegerIds(IReadOnlyList<string> ids)
    {
        var rows = new Dictionary<long, int>();
        for (int i = 0; i < ids.Count; i++)
            if (long.TryParse(ids[i], NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id.ToString(CultureInfo.InvariantCulture) == ids[i])
                rows[id] = i;
        return rows;
    }

    static IEnumerable<int[]> Chunks(IReadOnlyList<int> all, int size)
    {
        for (int s = 0; s < all.Count; s += size) yield return [.. all.Skip(s).Take(size)];
    }

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
