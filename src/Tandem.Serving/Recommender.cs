using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Tandem.Models.Ranking;
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
        var filter = Filter(model, request.Filter, request.Exclude, request.ExcludeSeen ? user.Seen : [], also: null);
        if (model.Pipeline is { } pipeline && user.HasQuery) return RankedRecommender.Recommend(pipeline, request, user, model, k, diversity, filter);
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
        int row = Item(model.Items, request.Item, "item", notFound: true);
        var filter = Filter(model, request.Filter, request.Exclude, [], also: row);
        return Search(model, model.Items.Vector(row), k, diversity, filter, "item");
    }

    /// <summary>Scores, and click probabilities when calibrated, of candidate items for a user.</summary>
    public static ScoreResponse Score(ScoreRequest request, ResolvedUser user, ServingModel model)
    {
        var rows = Items(model.Items, request.Items, "items");
        if (!user.HasQuery) RequestThrow.NotFound("user", $"user '{request.User}' is unknown and no features were given, so there is no embedding to score with");
        var query = user.Query(model);
        var calibration = model.Calibration;
        var scores = new ItemScore[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            float score = TensorPrimitives.Dot(query, model.Items.Vector(rows[i]));
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
        var rows = Items(model.Items, request.Items, "items");
        return new ItemEmbeddings(model.Version, rows.Select((row, i) => new ItemVector(request.Items![i], model.Items.Vector(row).ToArray())).ToArray());
    }

    static ItemsResponse Search(ServingModel model, ReadOnlySpan<float> query, int k, float diversity, CandidateFilter? filter, string source)
    {
        // MMR needs a wider pool to choose from than the K it returns.
        int n = diversity > 0 ? Math.Min(MaxK, Math.Max(4 * k, 50)) : k;
        var scores = ArrayPool<float>.Shared.Rent(n);
        var ids = ArrayPool<long>.Shared.Rent(n);
        var rows = ArrayPool<int>.Shared.Rent(n);
        try
        {
            long start = Stopwatch.GetTimestamp();
            model.Index.Search(query, n, scores, ids, new SearchOptions { Filter = filter, EfSearch = model.EfSearch, Threads = 1 });
            int found = 0;
            for (; found < n && ids[found] >= 0; found++) rows[found] = model.RowOf(ids[found]);
            return Answer(model, ids, scores, rows, found, k, diversity, source, new Stage(TwoStagePipeline.RetrievalStage, found, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<int>.Shared.Return(rows);
        }
    }

    static ItemsResponse Popular(ServingModel model, int k, float diversity, CandidateFilter? filter)
    {
        long start = Stopwatch.GetTimestamp();
        int n = diversity > 0 ? Math.Min(MaxK, Math.Max(4 * k, 50)) : k;
        var ids = new long[n];
        var rows = new int[n];
        var scores = new float[n];
        int found = 0;
        for (int i = 0; i < model.Popular.Length && found < n; i++)
        {
            int row = model.Popular[i];
            if (filter is not null && !filter.AllowsRow(row)) continue;
            (ids[found], rows[found]) = (row, row);
            scores[found++] = model.PopularScores[i];
        }
        return Answer(model, ids, scores, rows, found, k, diversity, "popular", new Stage("popular", found, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
    }

    /// <summary>The answer from <paramref name="found"/> candidates: index ids, scores and catalogue rows (-1 outside the catalogue).</summary>
    static ItemsResponse Answer(ServingModel model, long[] ids, float[] scores, int[] rows, int found, int k, float diversity, string source, Stage first)
    {
        var catalog = model.Items;
        Span<int> order = stackalloc int[Math.Min(k, found)];
        Stage[] stages = [first];
        if (diversity > 0)
        {
            long start = Stopwatch.GetTimestamp();
            int picked = Mmr.Select(scores.AsSpan(0, found), rows.AsSpan(0, found), k, diversity, catalog.Vectors, catalog.Dimension, order);
            stages = [first, new Stage(TwoStagePipeline.DiversityStage, picked, Stopwatch.GetElapsedTime(start).TotalMilliseconds)];
        }
        else
            for (int i = 0; i < order.Length; i++) order[i] = i;
        int count = order.Length;
        var items = new ScoredItem[count];
        for (int i = 0; i < count; i++)
        {
            int at = order[i], row = rows[at];
            items[i] = new ScoredItem(row >= 0 ? catalog.Ids[row] : ids[at].ToString(CultureInfo.InvariantCulture), scores[at], Display(catalog, row));
        }
        return new ItemsResponse(model.Version, source, items, stages);
    }

    /// <summary>The display fields of catalogue row <paramref name="row"/>, or null (outside the catalogue, or no fields).</summary>
    internal static ItemDisplay? Display(ItemCatalog catalog, int row)
    {
        int fieldRow = row >= 0 ? catalog.FieldRow(row) : -1;
        return fieldRow >= 0 ? new ItemDisplay(catalog.Fields!, fieldRow) : null;
    }

    internal static CandidateFilter? Filter(ServingModel model, ItemFilter? filter, string[]? exclude, int[] seen, int? also)
    {
        var catalog = model.Items;
        HashSet<int>? allowed = filter?.Ids is { } ids ? [.. Items(catalog, ids, "filter.ids")] : null;
        HashSet<int>? excluded = exclude is null ? null : [.. Items(catalog, exclude, "exclude", allowEmpty: true)];
        if (also is int item) (excluded ??= []).Add(item);
        return CandidateFilter.Create(model, allowed, excluded, seen, filter?.Fields is { } fields ? Matches(catalog, fields) : []);
    }

    /// <summary>One condition per named display field: its values as codes, each checked to be a value some item has.</summary>
    static FieldMatch[] Matches(ItemCatalog catalog, FieldValues fields)
    {
        string known = catalog.Fields is { } all ? string.Join(", ", all.Fields.Select(f => f.Name)) : "none; the model is served without an items table";
        var matches = new FieldMatch[fields.Count];
        int at = 0;
        foreach (var (name, values) in fields)
        {
            string where = $"filter.fields.{name}";
            var field = catalog.Fields?[name];
            if (field is null) RequestThrow.Field(where, $"'{name}' is not a field of the items; fields: {known}");
            if (values is null || values.Length == 0) RequestThrow.Field(where, "is empty; list at least one value or leave the field out");
            var codes = new int[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                codes[i] = field.CodeOf(values[i] ?? "");
                if (codes[i] < 0) RequestThrow.Field($"{where}[{i}]", $"'{values[i]}' is not a value of field '{name}' of any item{Examples(field)}");
            }
            matches[at++] = new FieldMatch(field, codes);
        }
        return matches;
    }

    /// <summary>The field's values when there are few enough to list (genres, not titles).</summary>
    static string Examples(ItemField field) => field.Values.Count <= 64 ? $"; values: {string.Join(", ", field.Values.Order(StringComparer.Ordinal))}" : "";

    internal static int[] Items(ItemCatalog catalog, string[]? ids, string field, bool allowEmpty = false)
    {
        if (ids is null) RequestThrow.Field(field, "is missing; list item ids");
        if (ids.Length == 0 && !allowEmpty) RequestThrow.Field(field, "is empty; list at least one item id");
        if (ids.Length > MaxK) RequestThrow.Field(field, $"lists {ids.Length} items; at most {MaxK} are allowed");
        var rows = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++) rows[i] = Item(catalog, ids[i], $"{field}[{i}]", notFound: false);
        return rows;
    }

    /// <summary>The catalogue row of item <paramref name="id"/>, or a 400 (404 with <paramref name="notFound"/>) naming <paramref name="field"/>.</summary>
    static int Item(ItemCatalog catalog, string? id, string field, bool notFound)
    {
        int row = id is null ? -1 : catalog.RowOf(id);
        if (row >= 0) return row;
        string message = $"'{id}' is not an item of the catalogue ({catalog.Count} items)";
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
