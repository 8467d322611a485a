using Tandem.Serving.Api;
using Tandem.Serving.Caching;

namespace Tandem.Serving;

/// <summary>
/// Turns a request's user into a query: a known id without features is a table lookup; features
/// are validated and encoded first (a bad request costs no cache lookup), then go through the
/// in-process cache, then Redis, then the user tower, under a key of bounded size: the model
/// version and a hash of the encoded input. An unknown id without features is a cold start. Thread-safe.
/// </summary>
sealed class UserResolver(EmbeddingCache memory, RedisEmbeddingStore? redis, ServiceMetrics metrics)
{
    /// <summary>The query of <paramref name="request"/> under <paramref name="model"/>.</summary>
    /// <exception cref="RequestException">Neither a user nor features were given, or a feature is invalid.</exception>
    public async ValueTask<ResolvedUser> ResolveAsync(IUserRequest request, ServingModel model)
    {
        int row = request.User is null ? -1 : model.Users.RowOf(request.User);
        int[] seen = row >= 0 ? model.Users.Seen(row) : [];
        if (request.Features is null && request.Context is null)
        {
            if (request.User is null) RequestThrow.Field("user", "give a user id, raw features, or both");
            return row >= 0 ? new ResolvedUser("user", row, null, seen) : new ResolvedUser("popular", -1, null, seen);
        }
        var encoded = model.Encoder.Encode(request.User, request.Features, request.Context);
        string key = $"tandem:user:{model.Version}:{encoded.Key}";
        if (memory.TryGet(key, out var vector)) metrics.Cache("memory", hit: true);
        else
        {
            metrics.Cache("memory", hit: false);
            float[]? shared = redis is null ? null : await redis.GetAsync(key);
            if (redis is not null) metrics.Cache("redis", shared is not null);
            if (shared is not null && shared.Length == model.Users.Dimension) vector = shared;
            else
            {
                vector = model.Encoder.Embed(encoded);
                redis?.Set(key, vector);
            }
            memory.Set(key, vector);
        }
        return new ResolvedUser("features", -1, vector, Merge(seen, model.Items, model.Encoder.ItemFeatures.SelectMany(f => request.Features?.GetValueOrDefault(f) ?? request.Context?.GetValueOrDefault(f) ?? [])));
    }

    /// <summary>The user's seen items plus the catalogue items of the given histories, as sorted catalogue rows.</summary>
    static int[] Merge(int[] seen, Catalogs.ItemCatalog catalog, IEnumerable<string> history)
    {
        var all = new List<int>(seen);
        foreach (string h in history)
            if (catalog.RowOf(h) is int row and >= 0) all.Add(row);
        if (all.Count == seen.Length) return seen;
        all.Sort();
        return [.. all];
    }
}

/// <summary>A resolved user: <see cref="Source"/> is <c>user</c> (row of the user table), <c>features</c> (<see cref="Vector"/>) or <c>popular</c> (no query).</summary>
readonly record struct ResolvedUser(string Source, int Row, float[]? Vector, int[] Seen)
{
    /// <summary>Whether there is a query vector (not a cold start).</summary>
    public bool HasQuery => Row >= 0 || Vector is not null;

    /// <summary>The query vector.</summary>
    public ReadOnlySpan<float> Query(ServingModel model) => Vector ?? model.Users.Vector(Row);
}
