using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using Tandem.Retrieval;
using Tandem.Serving.Api;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// The answers of the <c>/v1</c> endpoints for one model: validates each request's fields once,
/// then searches the index (or the cold-start list) under the request's filter and applies
/// maximal marginal relevance when asked. Stateless, so thread-safe.
/// </summary>
static class Recommender
{
    /// <summary>Largest K, and most items a request may list.</summary>
    public const int MaxK = 1000;

    /// <summary>The top K items for a user.</summary>
    public static ItemsResponse Recommend(RecommendRequest request, ResolvedUser user, ServingModel model)
    {
        int k = CheckK(request.K);
        float diversity = CheckDiversity(request.Diversity);
        var filter = Filter(model.Items, request.Filter, request.Exclude, request.ExcludeSeen ? user.Seen : [], also: null);
        return user.HasQuery
            ? Search(model, user.Query(model), k, diversity, filter, user.Source)
            : Popular(model, k, diversity, filter);
    }

    /// <summary>The items nearest to an item.</summary>
    public static ItemsResponse SimilarItems(SimilarItemsRequest request, ServingModel model)
    {
        if (request.Item is null) RequestThrow.Field("item", "give the item whose neighbours are wanted");
        int k = CheckK(request.K);
        float diversity = CheckDiversity(request.Diversity);
        long id = Item(model.Items, request.Item, "item", notFound: true);
        var filter = Filter(model.Items, request.Filter, request.Exclude, [], also: id);
        return Search(model, model.Items.Vector(model.Items.RowOf(id)), k, diversity, filter, "item");
    }

    /// <summary>Scores, and click probabilities when calibrated, of candidate items for a user.</summary>
    public static ScoreResponse Score(ScoreRequest request, ResolvedUser user, ServingModel model)
    {
        var ids = Items(model.Items, request.Items, "items");
        if (!user.HasQuery) RequestThrow.NotFound("user", $"user '{request.User}' is unknown and no features were given, so there is no embedding to score with");
        var query = user.Query(model);
        var calibration = model.Calibration;
        var scores = new ItemScore[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            float score = TensorPrimitives.Dot(query, model.Items.Vector(model.Items.RowOf(ids[i])));
            scores[i] = new ItemScore(request.Items![i], score, calibration?.Probability(score));
        }
        return new ScoreResponse(model.Version, calibration is not null,
            calibration is null ? "the model file has no calibration; run 'tandem calibrate' to add click probabilities" : null, scores);
    }

    /// <summary>A user's embedding.</summary>
    public static UserEmbedding EmbedUser(EmbedUserRequest request, ResolvedUser user, ServingModel model)
    {
        if (!user.HasQuery) RequestThrow.NotFound("user", $"user '{request.User}' is unknown and no features were given, so there is no embedding");
        return new UserEmbedding(model.Version, user.Source, user.Query(model).ToArray());
    }

    /// <summary>Items' embeddings.</summary>
    public static ItemEmbeddings EmbedItems(EmbedItemsRequest request, ServingModel model)
    {
        var ids = Items(model.Items, request.Items, "items");
        return new ItemEmbeddings(model.Version, ids.Select((id, i) => new ItemVector(request.Items![i], model.Items.Vector(model.Items.RowOf(id)).ToArray())).ToArray());
    }

    static ItemsResponse Search(ServingModel model, ReadOnlySpan<float> query, int k, float diversity, CandidateFilter? filter, string source)
    {
        // MMR needs a wider pool to choose from than the K it returns.
        int n = diversity > 0 ? Math.Min(MaxK, Math.Max(4 * k, 50)) : k;
        var scores = ArrayPool<float>.Shared.Rent(n);
        var ids = ArrayPool<long>.Shared.Rent(n);
        try
        {
            model.Index.Search(query, n, scores, ids, new SearchOptions { Filter = filter, EfSearch = model.EfSearch, Threads = 1 });
            int found = 0;
            while (found < n && ids[found] >= 0) found++;
            return Answer(model, ids, scores, found, k, diversity, source);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<long>.Shared.Return(ids);
        }
    }

    static ItemsResponse Popular(ServingModel model, int k, float diversity, CandidateFilter? filter)
    {
        int n = diversity > 0 ? Math.Min(MaxK, Math.Max(4 * k, 50)) : k;
        var ids = new long[n];
        var scores = new float[n];
        int found = 0;
        for (int i = 0; i < model.Popular.Length && found < n; i++)
            if (filter is null || filter.Allows(model.Popular[i]))
            {
                ids[found] = model.Popular[i];
                scores[found++] = model.PopularScores[i];
            }
        return Answer(model, ids, scores, found, k, diversity, "popular");
    }

    static ItemsResponse Answer(ServingModel model, long[] ids, float[] scores, int found, int k, float diversity, string source)
    {
        int count = diversity > 0 ? Mmr.Select(ids, scores, found, k, diversity, model.Items) : Math.Min(k, found);
        var items = new ScoredItem[count];
        for (int i = 0; i < count; i++)
        {
            int row = model.Items.RowOf(ids[i]);
            items[i] = new ScoredItem(ids[i].ToString(CultureInfo.InvariantCulture), scores[i],
                row >= 0 ? model.Items.Title(row) : null, row >= 0 ? model.Items.GenresOf(row) : null);
        }
        return new ItemsResponse(model.Version, source, items);
    }

    static CandidateFilter? Filter(ItemCatalog catalog, ItemFilter? filter, string[]? exclude, long[] seen, long? also)
    {
        HashSet<long>? allowed = filter?.Ids is { } ids ? [.. Items(catalog, ids, "filter.ids")] : null;
        HashSet<long>? excluded = exclude is null ? null : [.. Items(catalog, exclude, "exclude", allowEmpty: true)];
        if (also is long item) (excluded ??= []).Add(item);
        ulong genres = 0;
        if (filter?.Genres is { } names)
        {
            if (names.Length == 0) RequestThrow.Field("filter.genres", "is empty; list at least one genre or leave the field out");
            for (int i = 0; i < names.Length; i++)
            {
                int bit = catalog.GenreBit(names[i] ?? "");
                if (bit < 0) RequestThrow.Field($"filter.genres[{i}]", $"'{names[i]}' is not a genre of any item; genres: {string.Join(", ", catalog.Genres)}");
                genres |= 1UL << bit;
            }
        }
        return CandidateFilter.Create(catalog, allowed, excluded, seen, genres);
    }

    static long[] Items(ItemCatalog catalog, string[]? ids, string field, bool allowEmpty = false)
    {
        if (ids is null) RequestThrow.Field(field, "is missing; list item ids");
        if (ids.Length == 0 && !allowEmpty) RequestThrow.Field(field, "is empty; list at least one item id");
        if (ids.Length > MaxK) RequestThrow.Field(field, $"lists {ids.Length} items; at most {MaxK} are allowed");
        var result = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++) result[i] = Item(catalog, ids[i], $"{field}[{i}]", notFound: false);
        return result;
    }

    static long Item(ItemCatalog catalog, string? text, string field, bool notFound)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && catalog.RowOf(id) >= 0) return id;
        string message = $"'{text}' is not an item of the catalogue ({catalog.Count} items)";
        if (notFound) RequestThrow.NotFound(field, message);
        RequestThrow.Field(field, message);
        return -1;
    }

    static int CheckK(int k)
    {
        if (k is < 1 or > MaxK) RequestThrow.Field("k", $"is {k}; it must be between 1 and {MaxK}");
        return k;
    }

    static float CheckDiversity(float diversity)
    {
        if (!(diversity is >= 0 and <= 1)) RequestThrow.Field("diversity", $"is {diversity}; it must be between 0 and 1");
        return diversity;
    }
}
