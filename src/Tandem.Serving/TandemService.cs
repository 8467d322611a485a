using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// The online service's endpoints: <c>/v1/recommend</c>, <c>/v1/similar-items</c>, <c>/v1/score</c>,
/// <c>/v1/embed/user</c>, <c>/v1/embed/item</c>, <c>/healthz</c>, <c>/health/ready</c>,
/// <c>/health/live</c>, <c>/metrics</c>, <c>/admin/reload</c> and the OpenAPI document at
/// <c>/openapi/v1.json</c>, mapped into any ASP.NET Core app by <see cref="MapTandem"/> (after
/// <see cref="TandemHosting.AddTandem"/>), or hosted alone by <see cref="Create"/>.
/// </summary>
public static class TandemService
{
    /// <summary>The configuration key of the admin API key (<see cref="TandemOptions.AdminKey"/>); without one, <c>/admin/reload</c> always answers 401.</summary>
    public const string AdminKeySetting = "Tandem:AdminKey";

    /// <summary>How long an admin reload waits for one in progress before answering 503.</summary>
    static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(30);

    /// <summary>The header that carries the admin API key.</summary>
    public const string AdminKeyHeader = "X-Api-Key";

    /// <summary>
    /// The stand-alone host of <c>tandem serve</c>: Kestrel on <paramref name="urls"/> with
    /// <see cref="TandemHosting.AddTandem"/> and <see cref="MapTandem"/> and nothing else, so every
    /// path (unknown ones included) answers as the service. Start it with <c>RunAsync</c> or <c>StartAsync</c>.
    /// </summary>
    /// <param name="urls">Where to listen (Kestrel URLs, <c>;</c>-separated); port 0 picks a free one.</param>
    /// <param name="configure">Sets the options over the configuration section <c>Tandem</c> (appsettings.json, the environment).</param>
    /// <param name="holder">A model already loaded, which the host then owns; null: loaded from <see cref="TandemOptions.ModelPath"/> after start.</param>
    /// <exception cref="TandemException">A URL is not one to listen on.</exception>
    public static WebApplication Create(string urls, Action<TandemOptions> configure, ModelHolder? holder = null)
    {
        CheckUrls(urls);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // Per-request logs at Information would cost more than the requests: keep the framework to warnings.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // A failed start (e.g. a port in use) reaches the caller as an exception; the host would also log it with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        if (holder is not null) builder.Services.AddSingleton(_ => holder);
        TandemHosting.Register(builder.Services, options =>
        {
            if (holder is not null) options.ModelPath = holder.Path;
            configure(options);
        }, everyPath: true);
        var app = builder.Build();
        app.MapTandem();
        return app;
    }

    /// <summary>Whether <paramref name="path"/> is one of the service's endpoints.</summary>
    internal static bool Owns(PathString path) => EndpointNames.ContainsKey(path.Value ?? "");

    // Requests are counted and timed under these names.
    static readonly Dictionary<string, string> EndpointNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/v1/recommend"] = "recommend", ["/v1/similar-items"] = "similar-items", ["/v1/score"] = "score",
        ["/v1/embed/user"] = "embed-user", ["/v1/embed/item"] = "embed-item", ["/admin/reload"] = "admin-reload",
        ["/healthz"] = "healthz", ["/metrics"] = "metrics", ["/openapi/v1.json"] = "openapi",
        ["/health/ready"] = "health-ready", ["/health/live"] = "health-live",
        [PredictEndpoint.Path] = "predict",
    };

    /// <summary>
    /// The middleware around the service's requests: each counted and timed under the status it finally
    /// got (framework answers included), its body size limited, and every error a problem document.
    /// </summary>
    internal static void UsePipeline(IApplicationBuilder app)
    {
        var runtime = app.ApplicationServices.GetRequiredService<TandemRuntime>();
        var (metrics, logger, maxBodyBytes) = (runtime.Metrics, runtime.Logger, runtime.Options.MaxBodyBytes);
        app.Use(async (context, next) =>
        {
            long start = Stopwatch.GetTimestamp();
            bool failed = false;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBodyBytes;
            try { await next(context); }
            catch { failed = true; throw; }
            finally
            {
                string name = EndpointNames.GetValueOrDefault(context.Request.Path.Value ?? "", "other");
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
    }

    /// <summary>
    /// Maps the service's endpoints into <paramref name="app"/> (the host's own app, after
    /// <see cref="TandemHosting.AddTandem"/>): <c>/v1/*</c>, <c>/admin/reload</c>, <c>/healthz</c>,
    /// <c>/health/ready</c> (the model is loaded), <c>/health/live</c>, <c>/metrics</c> (Prometheus) and <c>/openapi/v1.json</c>.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A <see cref="TandemOptions"/> setting is missing or invalid (the message names its key).</exception>
    public static IEndpointRouteBuilder MapTandem(this IEndpointRouteBuilder app)
    {
        var runtime = app.ServiceProvider.GetRequiredService<TandemRuntime>();
        var (holder, users, models, logger, options) = (runtime.Holder, runtime.Users, runtime.Models, runtime.Logger, runtime.Options);

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
        app.MapGet("/healthz", () => { using var lease = holder.Acquire(); return TypedResults.Json(Describe(lease.Model), json.Health); })
            .Produces<Health>().ProducesProblem(503);
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(TandemHosting.ReadyTag) });
        // Liveness runs no check: the process answering is the signal.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapPrometheusScrapingEndpoint("/metrics");

        var adminKey = Encoding.UTF8.GetBytes(options.AdminKey ?? "");
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

    static Health Describe(ServingModel m) => new("ok", m.Version, m.Index.Count, m.Items.Count, m.Users.Count, m.Calibration is not null);

    /// <summary>A POST route whose handler reads the context itself, with route-handler metadata for the OpenAPI document.</summary>
    static RouteHandlerBuilder Post(IEndpointRouteBuilder app, string pattern, RequestDelegate handler) =>
        app.MapPost(pattern, (Delegate)((HttpContext context) => handler(context)));
}
