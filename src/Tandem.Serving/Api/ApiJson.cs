using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Serving.Api;

/// <summary>
/// Source-generated JSON for every request and response: no reflection on the request path,
/// camelCase names, and unknown request fields and repeated keys rejected rather than silently ignored
/// (with a key given twice, which one counts would depend on the parser).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RecommendRequest))]
[JsonSerializable(typeof(SimilarItemsRequest))]
[JsonSerializable(typeof(ScoreRequest))]
[JsonSerializable(typeof(EmbedUserRequest))]
[JsonSerializable(typeof(EmbedItemsRequest))]
[JsonSerializable(typeof(ReloadRequest))]
[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(ItemsResponse))]
[JsonSerializable(typeof(ScoreResponse))]
[JsonSerializable(typeof(UserEmbedding))]
[JsonSerializable(typeof(ItemEmbeddings))]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(Problem))]
public sealed partial class ApiJson : JsonSerializerContext
{
    /// <summary>The context the service uses: the attribute's settings, and text such as titles written as it is (<c>'</c> and <c>&amp;</c> unescaped; responses are never embedded in HTML).</summary>
    public static ApiJson Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
