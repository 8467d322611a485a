using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tandem.Serving;

/// <summary>
/// Loads the model after the host starts, when no model was handed to it, so the app listens
/// (liveness) while it loads and turns ready when it is served. A model that cannot be loaded stops
/// the host: it would never become ready.
/// </summary>
sealed class StartupLoad(TandemRuntime runtime, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var holder = runtime.Holder;
        if (holder.IsLoaded) return;
        try
        {
            var model = await holder.ReloadAsync(null, Timeout.InfiniteTimeSpan, stopping);
            runtime.Logger.LogInformation("Serving {Version} from {Path}: {Indexed} indexed items, {Items} catalogue items, {Users} users.",
                model.Version, holder.Path, model.Index.Count, model.Items.Count, model.Users.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            runtime.Logger.LogCritical("Cannot load the model {Path}: {Message}; stopping.", holder.Path, e.Message);
            lifetime.StopApplication();
        }
    }
}
