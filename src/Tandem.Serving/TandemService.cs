using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using Tandem.Serving.Api;
using Tandem.Serving.Caching;

namespace Tandem.Serving;

/// <summary>
/// The online service (ASP.NET Core on Kestrel): <c>/v1/recommend</c>, <c>/v1/similar-items</c>,
/// <c>/v1/score</c>, <c>/v1/embed/user</c>, <c>/v1/embed/item</c>, <c>/healthz</c>, <c>/metrics</c>,
/// <c>/admin/reload</c> and the OpenAPI document at <c>/openapi/v1.json</c>.
/// </summary>
public static class TandemService
{
    /// <summary>The configuration key of the admin API key; without one, <c>/admin/reload</c> always answers 401.</summary>
    public const string AdminKeySetting = "Tandem:AdminKey";

    /// <summary>How long an admin reload waits for one in progress before answering 503.</summary>
    static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(30);

    /// <summary>The header that carries the admin API key.</summary>
    public const string AdminKeyHeader = "X-Api-Key";

    /// <summary>Builds the service around <paramref name="holder"/> (which it then owns); start it with <c>RunAsync</c> or <c>StartAsync</c>.</summary>
    /// <exception cref="TandemException">An option is invalid (a URL to listen on, the Redis endpoint, the watched directory).</exception>
    public static WebApplication Create(ServiceOptions options, ModelHolder holder)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBodyBytes);
        CheckUrls(options.Urls);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        if (options.Settings is { } settings) builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        // Per-request logs at Information would cost more than the requests: keep the framework to warnings.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // A failed start (e.g. a port in use) reaches the caller as an exception; the host would also log it with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Api));
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            // Written by a converter, so the generator cannot see its shape (it leaves an empty schema): describe it here.
            if (document.Components?.Schemas is { } schemas && schemas.TryGetValue(nameof(ItemDisplay), out var schema) && schema is OpenApiSchema fields) DescribeFields(fields);
            return Task.CompletedTask;
        }));
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tandem.Serving");

        var memory = new EmbeddingCache(options.CacheCapacity, options.CacheBytes, options.CacheTtl);
        var redis = options.Redis is { } endpoint ? new RedisEmbeddingStore(endpoint, options.CacheTtl) : null;
        var metrics = new ServiceMetrics(holder, () => redis?.Errors ?? 0, () => memory.Bytes);
        var users = new UserResolver(memory, redis, metrics);
        holder.Swapped += _ => memory.Clear();
        var models = new ModelDirectory(options.ModelDirectory ?? Path.GetDirectoryName(Path.GetFullPath(holder.Path))!);
        var watcher = options.WatchDirectory is { } watch ? new ModelWatcher(watch, holder, logger) : null;
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            watcher?.Dispose();
            redis?.Dispose();
            holder.Dispose();
        });

        // Outermost: every request is counted and timed under the status it finally got, framework answers included.
        var endpointNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["/v1/recommend"] = "recommend", ["/v1/similar-items"] = "similar-items", ["/v1/score"] = "score",
            ["/v1/embed/user"] = "embed-user", ["/v1/embed/item"] = "embed-item", ["/admin/reload"] = "admin-reload",
            ["/healthz"] = "healthz", ["/metrics"] = "metrics", ["/openapi/v1.json"] = "openapi",
            [PredictEndpoint.Path] = "predict",
        };
        app.Use(async (context, next) =>
        {
            long start = Stopwatch.GetTimestamp();
            bool failed = false;
            try { await next(context); }
            catch { failed = true; throw; }
            finally
            {
                string name = endpointNames.GetValueOrDefault(context.Request.Path.Value ?? "", "other");
                metrics.Observe(name, failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => Problems.WriteExceptionAsync(context, logger),
            // Problems logs instead: a stack trace for a failure of the service, one line for a request Kestrel could not read.
            SuppressDiagnosticsCallback = _ => true,
        });
        app.UseStatusCodePages(context => Problems.WriteStatusAsync(context.HttpContext));

        var json = ApiJson.Api;
        var api = new JsonEndpoint(options.MaxBodyBytes);
        Post(app, "/v1/recommend", api.For(json.RecommendRequest, json.ItemsResponse, holder,
                async (r, m) => Recommender.Recommend(r, await users.ResolveAsync(r, m), m)))
            .Accepts<RecommendRequest>("application/json").Produces<ItemsResponse>().ProducesProblem(400);
        Post(app, "/v1/similar-items", api.For(json.SimilarItemsRequest, json.ItemsResponse, holder,
                (r, m) => ValueTask.FromResult(Recommender.SimilarItems(r, m))))
            .Accepts<SimilarItemsRequest>("application/json").Produces<ItemsResponse>().ProducesProblem(400).ProducesProblem(404);
        Post(app, "/v1/score", api.For(json.ScoreRequest, json.ScoreResponse, holder,
                async (r, m) => Recommender.Score(r, await users.ResolveAsync(r, m), m)))
            .Accepts<ScoreRequest>("application/json").Produces<ScoreResponse>().ProducesProblem(400).ProducesProblem(404);
        Post(app, "/v1/embed/user", api.For(json.EmbedUserRequest, json.UserEmbedding, holder,
                async (r, m) => Recommender.EmbedUser(r, await users.ResolveAsync(r, m), m)))
            .Accepts<EmbedUserRequest>("application/json").Produces<UserEmbedding>().ProducesProblem(400).ProducesProblem(404);
        Post(app, "/v1/embed/item", api.For(json.EmbedItemsRequest, json.ItemEmbeddings, holder,
                (r, m) => ValueTask.FromResult(Recommender.EmbedItems(r, m))))
            .Accepts<EmbedItemsRequest>("application/json").Produces<ItemEmbeddings>().ProducesProblem(400);
        PredictEndpoint.Map(app, api, holder);
        app.MapGet("/healthz", () => { using var lease = holder.Acquire(); return TypedResults.Json(Describe(lease.Model), json.Health); });
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.WriteAsync(context.Response.Body, context.RequestAborted);
        }).ExcludeFromDescription();

        var adminKey = Encoding.UTF8.GetBytes(app.Configuration[AdminKeySetting] ?? "");
        Post(app, "/admin/reload", async context =>
        {
            string given = context.Request.Headers[AdminKeyHeader].ToString();
            // No key configured: the endpoint is closed. Constant-time comparison: the key is a secret.
            if (adminKey.Length == 0 || !CryptographicOperations.FixedTimeEquals(adminKey, Encoding.UTF8.GetBytes(given)))
            {
                await Problems.WriteAsync(context, new RequestException(AdminKeyHeader, $"the {AdminKeyHeader} header does not hold the admin key (configuration '{AdminKeySetting}')", 401));
                return;
            }
            await api.For(json.ReloadRequest, json.Health, holder, async (r, _) =>
            {
                string path = r.Model is { } requested ? await models.ResolveAsync(requested) : holder.Path;
                if (r.Model is null) await ModelDirectory.CheckFileAsync(path, "the current model file");
                try
                {
                    var model = await holder.ReloadAsync(path, ReloadWait, context.RequestAborted);
                    logger.LogInformation("Serving {Version} from {Path} (admin reload).", model.Version, holder.Path);
                    return Describe(model);
                }
                catch (TimeoutException e)
                {
                    throw new RequestException("model", $"{e.Message}; still serving the previous model, try again later", StatusCodes.Status503ServiceUnavailable);
                }
                catch (Exception e) when (e is not RequestException and not OperationCanceledException)
                {
                    // The loader's message may quote the file (its first bytes, a path): the log keeps it, the answer does not.
                    logger.LogWarning("Admin reload of {Path} failed, still serving the previous model: {Message}", path, e.Message);
                    throw new RequestException("model", "cannot be loaded as a model (the server log says why); still serving the previous model");
                }
            })(context);
        }).Accepts<ReloadRequest>("application/json").Produces<Health>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(503);
        app.MapOpenApi();
        return app;
    }

    /// <summary>Each of the <c>;</c>-separated URLs is one Kestrel can listen on: http (TLS is a proxy's job), a host (or unix socket) and a port.</summary>
    static void CheckUrls(string urls)
    {
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress? address = null;
            try { address = BindingAddress.Parse(url); }
            catch (FormatException) { }
            if (address is null || address.Scheme != "http" || string.IsNullOrEmpty(address.Host) || address.Port is < 0 or > 65535)
                throw new TandemException($"--urls '{url}' is not a URL to listen on; give http://HOST:PORT (e.g. http://127.0.0.1:5080), several separated by ';' (for https, put a TLS proxy in front)");
        }
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

    static Health Describe(ServingModel m) => new("ok", m.Version, m.Index.Count, m.Items.Count, m.Users.Count, m.Calibration is not null);

    /// <summary>A POST route whose handler reads the context itself, with route-handler metadata for the OpenAPI document.</summary>
    static RouteHandlerBuilder Post(WebApplication app, string pattern, RequestDelegate handler) =>
        app.MapPost(pattern, (Delegate)((HttpContext context) => handler(context)));
}
