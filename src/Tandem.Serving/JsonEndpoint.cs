using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// The pipeline shared by every JSON endpoint: read the body (size-limited, source-generated,
/// unknown fields and duplicate keys rejected), answer under a lease on the current model, write
/// the response, and turn any request error, a malformed body included, into a 4xx problem
/// document naming the field. (Requests are counted and timed around the whole pipeline, by
/// <see cref="TandemService"/>.)
/// </summary>
sealed class JsonEndpoint(long maxBodyBytes)
{
    /// <summary>The request delegate for a handler from a request and the model to a response.</summary>
    public RequestDelegate For<TRequest, TResponse>(JsonTypeInfo<TRequest> request, JsonTypeInfo<TResponse> response,
        ModelHolder holder, Func<TRequest, ServingModel, ValueTask<TResponse>> handle) => async context =>
    {
        try
        {
            var body = await ReadAsync(context, request);
            using var lease = holder.Acquire();
            var answer = await handle(body, lease.Model);
            context.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(context.Response.Body, answer, response, context.RequestAborted);
        }
        catch (RequestException e)
        {
            await Problems.WriteAsync(context, e);
        }
    };

    async ValueTask<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> info)
    {
        var http = context.Request;
        if (http.ContentLength > maxBodyBytes) RequestThrow.Field("body", $"is {http.ContentLength} bytes; at most {maxBodyBytes} are accepted");
        if (http.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new RequestException("body", $"has Content-Type '{type}'; send application/json", StatusCodes.Status415UnsupportedMediaType);
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Body, info, context.RequestAborted)
                ?? throw new RequestException("body", "is null; send a JSON object");
        }
        catch (JsonException e)
        {
            string field = e.Path is { Length: > 2 } path ? path[2..] : "body";
            string reason = e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');
            if (reason.Contains("could not be mapped", StringComparison.Ordinal)) reason = "is not a field of this request";
            else if (reason.Contains("could not be converted to ", StringComparison.Ordinal)) reason = $"has the wrong type; expected {Expected(reason)}";
            throw new RequestException(field, $"{reason} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new RequestException("body", $"is larger than {maxBodyBytes} bytes, the most accepted");
        }
        catch (BadHttpRequestException e)
        {
            // The connection's framing is broken (a bad chunk, a body shorter than its Content-Length): Kestrel's words say which.
            throw new RequestException("body", $"could not be read: {e.Message.TrimEnd('.')}", e.StatusCode);
        }
    }

    /// <summary>What a field should hold, in words, from the .NET type a conversion message names.</summary>
    static string Expected(string message) => message[(message.LastIndexOf("converted to ", StringComparison.Ordinal) + 13)..].TrimEnd('.') switch
    {
        "System.Int32" => "a whole number",
        "System.Single" => "a number",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        "System.String[]" => "an array of strings",
        var type when type.EndsWith("RawFeatures", StringComparison.Ordinal) => "an object of string arrays, e.g. {\"history\": [\"1\", \"50\"]}",
        var type when type.EndsWith("FieldValues", StringComparison.Ordinal) => "an object of string arrays, e.g. {\"genres\": [\"Comedy\"]}",
        var type => $"a JSON {type[(type.LastIndexOf('.') + 1)..]}",
    };
}
