using System.Runtime;
using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// The model being served and its replacement. <see cref="Acquire"/> hands a request the current
/// model with a reference that keeps it alive; <see cref="ReloadAsync"/> loads a new model off the
/// request path, on a thread of the lowest priority, then swaps it in with one atomic exchange, so
/// every request sees either the old (model, index) pair or the new one, never a mix, and requests
/// in flight finish on the old one. Thread-safe; reloads run one at a time, and none holds the
/// others up for longer than <see cref="LoadTimeout"/>. A holder made without a model answers
/// requests with 503 until its first load (readiness: <see cref="IsLoaded"/>).
/// </summary>
public sealed class ModelHolder : IDisposable
{
    readonly Func<string, ServingModel> load;
    readonly SemaphoreSlim reloading = new(1, 1);
    ServingModel? current;

    /// <summary>Serves <paramref name="initial"/> (loaded from <paramref name="path"/>); <paramref name="load"/> reads later model files.</summary>
    public ModelHolder(ServingModel initial, string path, Func<string, ServingModel> load)
    {
        current = initial;
        Path = path;
        this.load = load;
    }

    /// <summary>Serves nothing until the first <see cref="ReloadAsync"/> of <paramref name="path"/> (e.g. by the host's start-up load).</summary>
    public ModelHolder(string path, Func<string, ServingModel> load)
    {
        Path = path;
        this.load = load;
    }

    /// <summary>Whether a model is being served (readiness).</summary>
    public bool IsLoaded => Volatile.Read(ref current) is not null;

    /// <summary>Longest a load may take; a slower one is abandoned (its model freed if it ever finishes) and the next reload may start. Default 5 minutes.</summary>
    public TimeSpan LoadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The model file being served.</summary>
    public string Path { get; private set; }

    /// <summary>Raised after each swap with the new model.</summary>
    public event Action<ServingModel>? Swapped;

    /// <summary>The current model, held until the lease is disposed.</summary>
    /// <exception cref="RequestException">No model is loaded yet (503).</exception>
    public Lease Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref current)
                ?? throw new RequestException("model", "is still loading; try again when /health/ready answers 200", 503);
            // Fails only if a swap retired this model between the read and the increment: read again.
            if (model.TryAcquire()) return new Lease(model);
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> (null: the current file again) and swaps it in; the old model is
    /// freed after its last request. Waits at most <paramref name="wait"/> for a reload in progress.
    /// </summary>
    /// <exception cref="TimeoutException">Another reload was still running after <paramref name="wait"/>, or the load took longer than <see cref="LoadTimeout"/>.</exception>
    /// <exception cref="Exception">Whatever the loader throws; the current model then stays.</exception>
    public async Task<ServingModel> ReloadAsync(string? path, TimeSpan wait, CancellationToken cancellation = default)
    {
        if (!await reloading.WaitAsync(wait, cancellation)) throw new TimeoutException("another reload is still running");
        try
        {
            path ??= Path;
            // The load allocates the whole new model: no blocking full collection (which stops every request) meanwhile.
            var latency = GCSettings.LatencyMode;
            GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
            var loading = LowPriority.Run("tandem reload", () => load(path));
            Task finished;
            try { finished = await Task.WhenAny(loading, Task.Delay(LoadTimeout, CancellationToken.None)); }
            finally { GCSettings.LatencyMode = latency; }
            if (finished != loading)
            {
                _ = loading.ContinueWith(t => t.Result.Release(), TaskContinuationOptions.OnlyOnRanToCompletion);
                throw new TimeoutException($"loading took longer than {LoadTimeout.TotalSeconds:0} s");
            }
            var next = await loading;
            var old = Interlocked.Exchange(ref current, next);
            Path = path;
            old?.Release();
            Swapped?.Invoke(next);
            return next;
        }
        finally { reloading.Release(); }
    }

    /// <summary>Releases the current model.</summary>
    public void Dispose()
    {
        current?.Release();
        reloading.Dispose();
    }

    /// <summary>A reference to one model for the length of a request.</summary>
    public readonly struct Lease(ServingModel model) : IDisposable
    {
        /// <summary>The model.</summary>
        public ServingModel Model { get; } = model;
        /// <summary>Drops the reference.</summary>
        public void Dispose() => Model.Release();
    }
}
