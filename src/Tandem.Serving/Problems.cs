using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// Every error answer of the service as an <c>application/problem+json</c> document (RFC 9457)
/// whose <c>field</c> names what was wrong: request errors, bodies the framework refused
/// (unsupported media type, unknown route, wrong method) and failures of the service itself,
/// which show a trace id and never a stack trace.
/// </summary>
static class Problems
{
    /// <summary>Writes a request error.</summary>
    public static Task WriteAsync(HttpContext context, RequestException error) => WriteAsync(context, error.Status, error.Field, error.Message);

    /// <summary>Writes a problem with <paramref name="status"/>, naming <paramref name="field"/>.</summary>
    public static Task WriteAsync(HttpContext context, int status, string field, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        string title = status switch
        {
            400 => "Bad request",
            401 => "Unauthorized",
            404 => "Not found",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        var problem = new Problem($"https://httpstatuses.io/{status}", title, status, $"{field}: {message}", field);
        return JsonSerializer.SerializeAsync(context.Response.Body, problem, ApiJson.Api.Problem, context.RequestAborted);
    }

    /// <summary>
    /// The answer to an exception no endpoint handled: a request the server could not read (Kestrel's
    /// <see cref="BadHttpRequestException"/>) is the client's 4xx, logged in one line; anything else is a
    /// 500 whose stack trace goes to the log only.
    /// </summary>
    public static Task WriteExceptionAsync(HttpContext context, ILogger logger)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var request = context.Request;
        // Raised outside a JSON endpoint's own handling (e.g. /healthz before the model is loaded).
        if (error is RequestException known) return WriteAsync(context, known);
        if (error is BadHttpRequestException bad)
        {
            logger.LogInformation("{Method} {Path}: {Status} {Message}", request.Method, request.Path, bad.StatusCode, bad.Message);
            return WriteAsync(context, bad.StatusCode, "body", $"could not be read: {bad.Message.TrimEnd('.')}");
        }
        logger.LogError(error, "{Method} {Path} failed (trace id {TraceId}).", request.Method, request.Path, context.TraceIdentifier);
        return WriteAsync(context, StatusCodes.Status500InternalServerError, "request",
            $"the service failed to answer (trace id {context.TraceIdentifier}); the server log has the details");
    }

    /// <summary>A body for an error status the framework set without one (routing's 404, 405 and 415).</summary>
    public static Task WriteStatusAsync(HttpContext context)
    {
        var request = context.Request;
        int status = context.Response.StatusCode;
        var (field, message) = status switch
        {
            404 => ("path", $"no endpoint answers {request.Method} {request.Path}; the endpoints are listed at /openapi/v1.json"),
            405 => ("method", $"{request.Method} is not allowed on {request.Path}"),
            415 => ("body", $"has Content-Type '{request.ContentType}'; send application/json"),
            _ => ("request", ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant()),
        };
        return WriteAsync(context, status, field, message);
    }
}
