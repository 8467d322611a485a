namespace Tandem.Serving.Api;

// Request properties have setters, not init: the source generator sets every init-only property, defaults included, which would erase the documented defaults.

/// <summary>Raw user-tower features by feature name (e.g. <c>history</c>: item ids, most recent first); every value is a list of strings.</summary>
public sealed class RawFeatures : Dictionary<string, string[]>
{
    /// <summary>An empty set, names compared ordinally.</summary>
    public RawFeatures() : base(StringComparer.Ordinal) { }
}

/// <summary>Values of item display fields by field name (e.g. <c>genres</c>: <c>["Comedy"]</c>).</summary>
public sealed class FieldValues : Dictionary<string, string[]>
{
    /// <summary>An empty set, names compared ordinally.</summary>
    public FieldValues() : base(StringComparer.Ordinal) { }
}

/// <summary>Which items may be returned.</summary>
public sealed class ItemFilter
{
    /// <summary>Only items whose display field holds at least one of the listed values, for every field named (e.g. <c>{ "genres": ["Comedy", "Drama"] }</c>).</summary>
    public FieldValues? Fields { get; set; }
    /// <summary>Only these items.</summary>
    public string[]? Ids { get; set; }
}

/// <summary>The user of a request: an id, raw features and context, or both (features then win; the id fills the user-id feature and names the seen items).</summary>
public interface IUserRequest
{
    /// <summary>The user id.</summary>
    string? User { get; }
    /// <summary>Raw user features.</summary>
    RawFeatures? Features { get; }
    /// <summary>Raw context features (same shape; request-time features such as the device).</summary>
    RawFeatures? Context { get; }
}

/// <summary><c>POST /v1/recommend</c>.</summary>
public sealed class RecommendRequest : IUserRequest
{
    /// <inheritdoc/>
    public string? User { get; set; }
    /// <inheritdoc/>
    public RawFeatures? Features { get; set; }
    /// <inheritdoc/>
    public RawFeatures? Context { get; set; }
    /// <summary>How many items, 1 to 1000. Default 10.</summary>
    public int K { get; set; } = 10;
    /// <summary>Restrictions on the items returned.</summary>
    public ItemFilter? Filter { get; set; }
    /// <summary>Items never to return.</summary>
    public string[]? Exclude { get; set; }
    /// <summary>Leave out items the user has interacted with (and those in a given history). Default true.</summary>
    public bool ExcludeSeen { get; set; } = true;
    /// <summary>Maximal-marginal-relevance weight in [0, 1]: 0 ranks by score alone, 1 by dissimilarity alone. Default 0.</summary>
    public float Diversity { get; set; }
    /// <summary>With a ranker: items retrieved for it to score, K to 1000. Default: 200, or K when larger.</summary>
    public int? Candidates { get; set; }
}

/// <summary><c>POST /v1/predict</c>: a user and items whose click probabilities the ranker gives.</summary>
public sealed class PredictRequest
{
    /// <summary>The user id (a user of the ranker's data).</summary>
    public string? User { get; set; }
    /// <summary>The items, 1 to 1000, each an item of the ranker's data.</summary>
    public string[]? Items { get; set; }
}

/// <summary><c>POST /v1/similar-items</c>.</summary>
public sealed class SimilarItemsRequest
{
    /// <summary>The item whose neighbours are wanted.</summary>
    public string? Item { get; set; }
    /// <summary>How many items, 1 to 1000. Default 10.</summary>
    public int K { get; set; } = 10;
    /// <summary>Restrictions on the items returned.</summary>
    public ItemFilter? Filter { get; set; }
    /// <summary>Items never to return (the item itself never is).</summary>
    public string[]? Exclude { get; set; }
    /// <summary>Maximal-marginal-relevance weight in [0, 1]. Default 0.</summary>
    public float Diversity { get; set; }
}

/// <summary><c>POST /v1/score</c>: a user and candidate items.</summary>
public sealed class ScoreRequest : IUserRequest
{
    /// <inheritdoc/>
    public string? User { get; set; }
    /// <inheritdoc/>
    public RawFeatures? Features { get; set; }
    /// <inheritdoc/>
    public RawFeatures? Context { get; set; }
    /// <summary>The candidates, 1 to 1000.</summary>
    public string[]? Items { get; set; }
}

/// <summary><c>POST /v1/embed/user</c>.</summary>
public sealed class EmbedUserRequest : IUserRequest
{
    /// <inheritdoc/>
    public string? User { get; set; }
    /// <inheritdoc/>
    public RawFeatures? Features { get; set; }
    /// <inheritdoc/>
    public RawFeatures? Context { get; set; }
}

/// <summary><c>POST /v1/embed/item</c>.</summary>
public sealed class EmbedItemsRequest
{
    /// <summary>The items, 1 to 1000.</summary>
    public string[]? Items { get; set; }
}

/// <summary><c>POST /admin/reload</c>; an empty body reloads the current model file.</summary>
public sealed class ReloadRequest
{
    /// <summary>The model file to serve next; null: the current one, read again.</summary>
    public string? Model { get; set; }
}
