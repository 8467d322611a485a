using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// Registers the Tandem service in an ASP.NET Core app: <c>builder.Services.AddTandem(o => o.ModelPath = "model.tandem")</c>
/// then <c>app.MapTandem()</c>. The model loads in the background after start (<c>/health/ready</c>
/// answers 503 until then); the options are validated when the host starts.
/// </summary>
public static class TandemHosting
{
    /// <summary>The tag of the health checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the service: <see cref="TandemOptions"/> from the configuration section <c>Tandem</c> and
    /// <paramref name="configure"/>, validated at start-up; the model holder (unless one is registered
    /// already) and its start-up load; a readiness check; the meter <see cref="ServiceMetrics.MeterName"/>
    /// exported to Prometheus through OpenTelemetry; the OpenAPI document; and problem documents for
    /// every error answer of the service's paths.
    /// </summary>
    public static IServiceCollection AddTandem(this IServiceCollection services, Action<TandemOptions>? configure = null) =>
        Register(services, configure, everyPath: false);

    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets options over the configuration.</param>
    /// <param name="everyPath">The host is the service alone: unknown paths too are counted and answered with problem documents.</param>
    internal static IServiceCollection Register(IServiceCollection services, Action<TandemOptions>? configure, bool everyPath)
    {
        var options = services.AddOptions<TandemOptions>().BindConfiguration(TandemOptions.Section);
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TandemOptions>, TandemOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<TandemOptions>>().Value;
            return new ModelHolder(settings.ModelPath!, new ServingLoader(settings).Load);
        });
        services.AddSingleton<TandemRuntime>();
        services.AddHostedService<StartupLoad>();
        services.AddSingleton<IStartupFilter>(new TandemPipeline(everyPath));
        services.AddHealthChecks().AddCheck<ModelReadiness>("tandem-model", tags: [ReadyTag]);
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // No cached scrapes: a scrape right after a request counts it.
            metrics.AddMeter(ServiceMetrics.MeterName).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            // The provider listens to the meter by name, process-wide: keep the instruments of this host's own meter factory only.
            ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
            {
                var own = provider.GetRequiredService<IMeterFactory>();
                builder.AddView(instrument => instrument.Meter.Name == ServiceMetrics.MeterName && instrument.Meter.Scope != own ? MetricStreamConfiguration.Drop : null);
            });
        });
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Api));
        services.AddOpenApi(TandemOpenApi.Configure);
        return services;
    }

    /// <summary>Puts the service's middleware first in the app's pipeline, for its own paths only (or every path when hosted alone).</summary>
    sealed class TandemPipeline(bool everyPath) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (everyPath) TandemService.UsePipeline(app);
            else app.UseWhen(context => TandemService.Owns(context.Request.Path), TandemService.UsePipeline);
            next(app);
        };
    }
}
