using Tandem.Retrieval;
using Tandem.Tensors;

namespace Tandem.Models;

/// <summary>
/// A trained model's catalogue, embedded once: every training item's key, training count and
/// item-tower embedding (in ascending key order, as the holdout numbers them), and every user with
/// a training interaction: key, user-tower embedding and the items they have seen (positions in
/// the item list). A model file carries it, so recommending, index building and serving need
/// neither the data nor a second embedding pass, and all of them answer from the same vectors.
/// Immutable.
/// </summary>
public sealed class EmbeddedCatalogue
{
    /// <summary>
    /// A catalogue of the given parts; vectors are row-major [count, <paramref name="dimension"/>], except that
    /// a multi-interest model's users have K rows each (<see cref="Interests"/>, from the lengths).
    /// </summary>
    /// <exception cref="ModelException">The parts' lengths disagree.</exception>
    public EmbeddedCatalogue(int dimension, string[] itemKeys, float[] itemVectors, int[] itemCounts, string[] userKeys, float[] userVectors, int[][] seen)
    {
        long perUser = (long)userKeys.Length * dimension;
        Interests = perUser == 0 ? 1 : (int)Math.Max(1, userVectors.Length / perUser);
        if (itemVectors.Length != itemKeys.Length * dimension || itemCounts.Length != itemKeys.Length
            || userVectors.Length != perUser * Interests || seen.Length != userKeys.Length)
            ModelThrow.Config($"An embedded catalogue's parts disagree: {itemKeys.Length} items, {itemVectors.Length / Math.Max(1, dimension)} item vectors, {itemCounts.Length} counts, {userKeys.Length} users, {userVectors.Length / Math.Max(1, dimension)} user vectors, {seen.Length} seen lists.");
        (Dimension, ItemKeys, ItemVectors, ItemCounts, UserKeys, UserVectors, Seen) = (dimension, itemKeys, itemVectors, itemCounts, userKeys, userVectors, seen);
        userOfKey = new Dictionary<string, int>(userKeys.Length, StringComparer.Ordinal);
        for (int u = 0; u < userKeys.Length; u++) userOfKey[userKeys[u]] = u;
    }

    readonly Dictionary<string, int> userOfKey;

    /// <summary>Width of every embedding.</summary>
    public int Dimension { get; }
    /// <summary>Item keys (e.g. movieIds), ascending.</summary>
    public string[] ItemKeys { get; }
    /// <summary>Item embeddings, row i for <see cref="ItemKeys"/>[i].</summary>
    public float[] ItemVectors { get; }
    /// <summary>Training interactions per item.</summary>
    public int[] ItemCounts { get; }
    /// <summary>Users with a training interaction.</summary>
    public string[] UserKeys { get; }
    /// <summary>User embeddings, row u for <see cref="UserKeys"/>[u].</summary>
    public float[] UserVectors { get; }
    /// <summary>Each user's training items, as positions in <see cref="ItemKeys"/>.</summary>
    public int[][] Seen { get; }

    /// <summary>The position of user <paramref name="key"/>, or -1.</summary>
    public int UserOf(string key) => userOfKey.GetValueOrDefault(key, -1);

    /// <summary>Vectors per user: 1, or K for a multi-interest model (user u is rows u·K .. u·K + K − 1 of <see cref="UserVectors"/>).</summary>
    public int Interests { get; }

    /// <summary>User <paramref name="user"/>'s embedding (its <see cref="Interests"/> vectors, one after another).</summary>
    public ReadOnlySpan<float> UserVector(int user) => UserVectors.AsSpan(user * Interests * Dimension, Interests * Dimension);

    /// <summary>Embeds <paramref name="data"/>'s training catalogue and users with <paramref name="model"/>'s towers.</summary>
    public static EmbeddedCatalogue Create(TwoTowerModel model, ModelData data)
    {
        var holdout = data.Holdout;
        var items = holdout.CatalogueItems;
        float[] itemVectors;
        using (var v = model.EmbedItems(data.Items, items)) itemVectors = v.Span.ToArray();
        var users = Enumerable.Range(0, data.Users.UserCount).Where(data.Users.HasTraining).ToArray();
        float[] userVectors;
        using (var u = TwoTowerModel.Embed(model.User, TwoTowerModel.Chunks(users.Length, 256).Select(c => data.Users.Input(users.AsSpan(c.Start, c.Count)))))
            userVectors = u.Span.ToArray();
        return new EmbeddedCatalogue(model.Item.OutputDimension,
            [.. items.Select(data.ItemKey)], itemVectors, [.. items.Select((_, i) => (int)holdout.TrainCounts[i])],
            [.. users.Select(u => data.Log.UserKeys![u])], userVectors, [.. users.Select(u => holdout.Excluded[u].ToArray())]);
    }

    /// <summary>
    /// A vector index (factory string <paramref name="spec"/>, e.g. <c>HNSW32</c>, <c>Flat</c>) of the item
    /// embeddings, built on one thread so it is the same every time; an id is an item's position.
    /// </summary>
    public VectorIndex Index(string spec)
    {
        var index = IndexFactory.Create(spec, Dimension, Metric.InnerProduct);
        var ids = new long[ItemKeys.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = i;
        // One thread: a parallel HNSW build links nodes in a racing order, and the same catalogue must
        // give the same index, so the CLI, the quickstart and every service replica answer alike.
        using (Threads.Use(1))
        {
            if (!index.IsTrained) index.Train(ItemVectors);
            index.Add(ItemVectors, ids);
        }
        return index;
    }

    /// <summary>
    /// HNSW's candidate list for recommendations, here and in the service: a user's seen items are
    /// walked through but not kept, so the index's default (16) leaves good items behind for heavy users.
    /// </summary>
    public const int DefaultEfSearch = 64;

    /// <summary>The <paramref name="k"/> best items user <paramref name="user"/> has not seen, from <paramref name="index"/> (of <see cref="Index"/>): (position, score), best first.</summary>
    public IReadOnlyList<(int Item, float Score)> Recommend(IVectorIndex index, int user, int k, int efSearch = DefaultEfSearch)
    {
        var scores = new float[k];
        var ids = new long[k];
        var options = new SearchOptions { Filter = Unseen(user), EfSearch = efSearch };
        // A multi-interest user: each interest's top k, an item keeping its best score (max over interests).
        var best = new Dictionary<int, float>();
        var vectors = UserVector(user);
        for (int v = 0; v < Interests; v++)
        {
            index.Search(vectors.Slice(v * Dimension, Dimension), k, scores, ids, options);
            for (int j = 0; j < k && ids[j] >= 0; j++)
                if (!best.TryGetValue((int)ids[j], out float s) || scores[j] > s) best[(int)ids[j]] = scores[j];
        }
        return [.. best.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(k).Select(p => (p.Key, p.Value))];
    }

    /// <summary>A filter passing the items (index ids = positions) user <paramref name="user"/> has not seen.</summary>
    public IdFilter Unseen(int user)
    {
        var seen = new HashSet<long>(Seen[user].Select(i => (long)i));
        return IdFilter.Where(id => !seen.Contains(id));
    }
}
