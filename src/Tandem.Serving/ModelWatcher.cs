using Microsoft.Extensions.Logging;

namespace Tandem.Serving;

/// <summary>
/// Watches a directory for model files (<c>*.tandem</c>) and reloads each one written there.
/// Model files are written to a temporary name and renamed, so the rename (or creation) is the
/// signal that a whole file is in place; a short pause lets a burst of events settle first.
/// A file that fails to load is logged and the current model stays.
/// </summary>
sealed class ModelWatcher : IDisposable
{
    readonly FileSystemWatcher watcher;
    readonly ModelHolder holder;
    readonly ILogger logger;
    readonly TimeSpan settle = TimeSpan.FromMilliseconds(300);
    readonly Lock gate = new();
    CancellationTokenSource? pending;

    public ModelWatcher(string directory, ModelHolder holder, ILogger logger)
    {
        if (!Directory.Exists(directory)) throw new TandemException($"--watch {directory}: directory not found; create it or pass an existing one");
        this.holder = holder;
        this.logger = logger;
        watcher = new FileSystemWatcher(directory, "*.tandem") { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        watcher.Created += (_, e) => Schedule(e.FullPath);
        watcher.Renamed += (_, e) => Schedule(e.FullPath);
        watcher.Changed += (_, e) => Schedule(e.FullPath);
        watcher.EnableRaisingEvents = true;
    }

    void Schedule(string path)
    {
        CancellationTokenSource next;
        lock (gate)
        {
            pending?.Cancel();
            pending = next = new CancellationTokenSource();
        }
        _ = Task.Delay(settle, next.Token).ContinueWith(async delay =>
        {
            if (delay.IsCanceled) return;
            try
            {
                await ModelDirectory.CheckFileAsync(path, path);
                var model = await holder.ReloadAsync(path, Timeout.InfiniteTimeSpan);
                logger.LogInformation("Serving {Version} from {Path} (new file in the watched directory).", model.Version, path);
            }
            catch (Exception e)
            {
                logger.LogError("Could not load {Path}: {Message}; still serving the previous model.", path, e.Message);
            }
        }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        watcher.Dispose();
        lock (gate) pending?.Cancel();
    }
}
