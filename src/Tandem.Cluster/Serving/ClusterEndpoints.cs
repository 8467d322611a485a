using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Tandem.Serving;
using Tandem.Serving.Api;

namespace Tandem.Cluster.Serving;

/// <summary>A new item for the cluster: its id and its embedding.</summary>
public sealed record NewItem(string? Id, float[]? Vector);

/// <summary>The body of <c>POST /v1/items</c>.</summary>
public sealed record AddItemsRequest(NewItem[]? Items);

/// <summary>The answer of <c>POST /v1/items</c> and <c>DELETE /v1/items/{id}</c>: how many items changed.</summary>
public sealed record ItemsChanged(int Added, long Removed);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AddItemsRequest))]
[JsonSerializable(typeof(ItemsChanged))]
partial class ClusterJson : JsonSerializerContext;

/// <summary>
/// What a cluster front end adds to the service: <c>POST /v1/items</c> and <c>DELETE /v1/items/{id}</c>
/// (online items, written to the owning shard's replicas), and the <see cref="PartialResults.Header"/>
/// header on answers some shard could not contribute to. Call on the app <c>TandemService.Create</c> built, before it starts.
/// </summary>
public static class ClusterEndpoints
{
    /// <summary>Adds the cluster's endpoints and the partial-result header to <paramref name="app"/>, whose models are served through a <see cref="ClusterIndex"/>.</summary>
    public static void Map(WebApplication app, ModelHolder holder)
    {
        app.Use(async (context, next) =>
        {
            var scope = PartialResults.Begin();
            context.Response.OnStarting(() =>
            {
                if (scope.IsPartial) context.Response.Headers[PartialResults.Header] = scope.ToString();
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.MapPost("/v1/items", async (HttpContext context) =>
        {
            AddItemsRequest? request;
            try { request = await JsonSerializer.DeserializeAsync(context.Request.Body, ClusterJson.Default.AddItemsRequest, context.RequestAborted); }
            catch (JsonException e) { return Problem(400, "body", $"is not an items request: {e.Message.Split('\n')[0]}"); }
            using var lease = holder.Acquire();
            try
            {
                var (vectors, ids) = Items(request?.Items, lease.Model);
                lease.Model.Index.Add(vectors, ids);
                return Results.Json(new ItemsChanged(ids.Length, 0), ClusterJson.Default.ItemsChanged);
            }
            catch (RequestException e) { return Problem(e.Status, e.Field, e.Message); }
        });
        app.MapDelete("/v1/items/{id}", (string id) =>
        {
            using var lease = holder.Acquire();
            try
            {
                long indexId = IndexId(id, lease.Model, "id");
                long removed = lease.Model.Index.Remove([indexId]);
                return removed == 0 ? Problem(404, "id", $"item '{id}' is not in the cluster") : Results.Json(new ItemsChanged(0, removed), ClusterJson.Default.ItemsChanged);
            }
            catch (RequestException e) { return Problem(e.Status, e.Field, e.Message); }
        });
    }

    static (float[] Vectors, long[] Ids) Items(NewItem[]? items, ServingModel model)
    {
        if (items is null || items.Length == 0) throw new RequestException("items", "is missing or empty; list items as {\"id\": \"...\", \"vector\": [...]}");
        if (items.Length > 1000) throw new RequestException("items", $"lists {items.Length} items; at most 1000 are allowed");
        int d = model.Index.Dimension;
        var vectors = new float[items.Length * d];
        var ids = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            ids[i] = IndexId(items[i].Id, model, $"items[{i}].id");
            if (items[i].Vector is not { } vector || vector.Length != d)
                throw new RequestException($"items[{i}].vector", $"has {items[i].Vector?.Length ?? 0} values; the model's embeddings have {d}");
            if (!vector.All(float.IsFinite)) throw new RequestException($"items[{i}].vector", "holds a value that is not a finite number");
            vector.CopyTo(vectors, i * d);
        }
        return (vectors, ids);
    }

    /// <summary>The index id of item <paramref name="id"/>: its catalogue row, or for an item outside the catalogue its id, an integer at or past the catalogue's size.</summary>
    static long IndexId(string? id, ServingModel model, string field)
    {
        int row = id is null ? -1 : model.Items.RowOf(id);
        if (row >= 0) return row;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < model.Items.Count)
            throw new RequestException(field, $"'{id}' is neither a catalogue item nor an integer id of at least {model.Items.Count} (the catalogue's size; smaller ids are catalogue rows)");
        return value;
    }

    static IResult Problem(int status, string field, string message) =>
        Results.Problem(detail: $"{field}: {message}", statusCode: status, type: $"https://httpstatuses.io/{status}", extensions: new Dictionary<string, object?> { ["field"] = field });
}
