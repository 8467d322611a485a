using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tandem.Serving;

/// <summary>The readiness check: healthy once a model is served.</summary>
sealed class ModelReadiness(ModelHolder holder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default) =>
        Task.FromResult(holder.IsLoaded ? HealthCheckResult.Healthy($"serving {holder.Path}") : HealthCheckResult.Unhealthy("the model is still loading"));
}
