using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// Makes <c>/openapi/v1.json</c> a contract clients can be generated from (it passes Redocly's
/// recommended rules): every operation with an operationId and a summary, error answers typed as the
/// service's <see cref="Problem"/> document, the admin key declared as an API-key security scheme,
/// server URLs without a trailing slash, and the item display fields described.
/// </summary>
static class TandemOpenApi
{
    /// <summary>The name of the admin key's security scheme.</summary>
    const string AdminScheme = "adminKey";

    /// <summary>Summaries by operationId; an operation not listed is summarised by its method and path.</summary>
    static readonly Dictionary<string, string> Summaries = new()
    {
        ["recommend"] = "Recommend items for a user (by id, features or both)",
        ["similarItems"] = "Items similar to an item",
        ["score"] = "Score given items for a user",
        ["embedUser"] = "The user tower's embedding of a user",
        ["embedItem"] = "The item tower's embeddings of items",
        ["healthz"] = "The served model's version and sizes",
        ["adminReload"] = "Load a model file and swap it in (admin key required)",
    };

    public static void Configure(OpenApiOptions options) => options.AddDocumentTransformer(async (document, context, cancellation) =>
    {
        document.Info.Description ??= "Two-tower retrieval and ranking over a trained Tandem model.";
        document.Info.License ??= new OpenApiLicense { Name = "MIT", Identifier = "MIT" };
        // Relative to wherever the document was read from: right behind any proxy, and no host name baked in.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host that served this document." }];
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>()) tag.Description ??= $"The endpoints of {tag.Name}.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[AdminScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = TandemService.AdminKeyHeader,
            Description = $"The admin key (configuration '{TandemService.AdminKeySetting}').",
        };
        // Written by a converter, so the generator cannot see its shape (it leaves an empty schema): describe it here.
        if (document.Components.Schemas is { } schemas && schemas.TryGetValue(nameof(ItemDisplay), out var display) && display is OpenApiSchema fields) DescribeFields(fields);
        document.AddComponent(nameof(Problem), await context.GetOrCreateSchemaAsync(typeof(Problem), cancellationToken: cancellation));
        var problem = new OpenApiSchemaReference(nameof(Problem), document);
        OpenApiResponse Problem(string description) =>
            new() { Description = description, Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } } };

        foreach (var (path, item) in document.Paths)
        {
            if (!TandemService.Owns(path)) continue;
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.OperationId ??= OperationId(path);
                operation.Summary ??= Summaries.GetValueOrDefault(operation.OperationId, $"{method.Method} {path}");
                operation.Responses ??= [];
                foreach (string status in operation.Responses.Keys.Where(s => s[0] is '4' or '5').ToList())
                    operation.Responses[status] = Problem(operation.Responses[status].Description ?? "An error, as a problem document naming the field at fault.");
                // Any request may also be refused by the framework (unknown method, body too large): a problem document too.
                operation.Responses.TryAdd("4XX", Problem("A request error, as a problem document naming the field at fault."));
                operation.Security = [path == "/admin/reload" ? new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AdminScheme, document)] = [] } : new OpenApiSecurityRequirement()];
            }
        }
        // Every problem answer of the service is a Problem now; ProblemDetails stays only if an endpoint of the host's own names it.
        bool named = document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()).SelectMany(o => o.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>())
            .SelectMany(r => r.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>()).Any(m => m.Schema is OpenApiSchemaReference { Reference.Id: "ProblemDetails" });
        if (!named) document.Components.Schemas?.Remove("ProblemDetails");
    });

    /// <summary>camelCase of the path's segments after the version: <c>/v1/similar-items</c> gives <c>similarItems</c>, <c>/admin/reload</c> <c>adminReload</c>.</summary>
    static string OperationId(string path)
    {
        var id = new StringBuilder();
        foreach (string segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries).SkipWhile(s => s == "v1"))
            foreach (string word in segment.Split('-', '_', '{', '}'))
                if (word.Length > 0) id.Append(id.Length == 0 ? char.ToLowerInvariant(word[0]) : char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        return id.ToString();
    }

    static void DescribeFields(OpenApiSchema schema)
    {
        schema.Type = JsonSchemaType.Object;
        schema.Description = "The item's display fields (columns of the items table): a string per single-valued field, an array of strings per list field (e.g. genres); fields without a value are left out.";
        schema.Properties?.Clear();
        schema.AdditionalProperties = new OpenApiSchema
        {
            OneOf = [new OpenApiSchema { Type = JsonSchemaType.String }, new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }],
        };
    }
}
