using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Serving.Api;

/// <summary>A bad request: answered with <see cref="Status"/> and a problem document naming <see cref="Field"/>.</summary>
public sealed class RequestException(string field, string message, int status = 400) : TandemException(message)
{
    /// <summary>The request field at fault, as a JSON path without <c>$.</c> (e.g. <c>filter.ids[2]</c>), or <c>body</c>.</summary>
    public string Field { get; } = field;
    /// <summary>HTTP status: 400, or 404 for an unknown item to look up.</summary>
    public int Status { get; } = status;
}

/// <summary>Throws the service's request errors.</summary>
[StackTraceHidden]
static class RequestThrow
{
    [DoesNotReturn]
    internal static void Field(string field, string message) => throw new RequestException(field, message);

    [DoesNotReturn]
    internal static void NotFound(string field, string message) => throw new RequestException(field, message, 404);
}
