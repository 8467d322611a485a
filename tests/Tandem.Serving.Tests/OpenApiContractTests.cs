using System.Text.Json;

namespace Tandem.Serving.Tests;

/// <summary>
/// The parts of Redocly's recommended rules the service's document once failed, checked on the live
/// document (the full lint: scripts/lint-openapi.sh, docs/serving.md): operationIds and summaries,
/// the admin key as a security scheme, security on every operation, a server URL without a trailing
/// host or slash, and a typed problem answer on every operation.
/// </summary>
public sealed class OpenApiContractTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task TheDocumentIsAContractClientsCanBeGeneratedFrom()
    {
        var document = await fixture.Service.GetJsonAsync("/openapi/v1.json");
        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("adminKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal(TandemService.AdminKeyHeader, scheme.GetProperty("name").GetString());
        Assert.False(document.GetProperty("components").GetProperty("schemas").TryGetProperty("ProblemDetails", out _));
        var ids = new HashSet<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                var op = operation.Value;
                Assert.True(ids.Add(op.GetProperty("operationId").GetString()!), $"{path.Name}: operationId repeats");
                Assert.False(string.IsNullOrEmpty(op.GetProperty("summary").GetString()), $"{path.Name} has no summary");
                var security = op.GetProperty("security");
                Assert.Equal(path.Name == "/admin/reload", security[0].TryGetProperty("adminKey", out _));
                var problem = op.GetProperty("responses").GetProperty("4XX").GetProperty("content").GetProperty("application/problem+json");
                Assert.Equal("#/components/schemas/Problem", problem.GetProperty("schema").GetProperty("$ref").GetString());
            }
        Assert.Contains("similarItems", ids);
        Assert.Contains("adminReload", ids);
    }
}
