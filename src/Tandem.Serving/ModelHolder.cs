namespace Tandem.Serving;

/// <summary>
/// The model being served and its replacement. <see cref="Acquire"/> hands a request the current
/// model with a reference that keeps it alive; <see cref="ReloadAsync"/> loads a new model off the
/// request path, then swaps it in with one atomic exchange, so every request sees either the old
/// (model, index) pair or the new one, never a mix, and requests in flight finish on the old one.
/// Thread-safe; reloads run one at a time.
/// </summary>
public sealed class ModelHolder : IDisposable
{
    readonly Func<string, ServingModel> load;
    readonly SemaphoreSlim reloading = new(1, 1);
    ServingModel current;

    /// <summary>Serves <paramref name="initial"/> (loaded from <paramref name="path"/>); <paramref name="load"/> reads later model files.</summary>
    public ModelHolder(ServingModel initial, string path, Func<string, ServingModel> load)
    {
        current = initial;
        Path = path;
        this.load = load;
    }

    /// <summary>The model file being served.</summary>
    public string Path { get; private set; }

    /// <summary>Raised after each swap with the new model.</summary>
    public event Action<ServingModel>? Swapped;

    /// <summary>The current model, held until the lease is disposed.</summary>
    public Lease Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref current);
            // Fails only if a swap retired this model between the read and the increment: read again.
            if (model.TryAcquire()) return new Lease(model);
        }
    }

    /// <summary>Loads <paramref name="path"/> (null: the current file again) and swaps it in; the old model is freed after its last request.</summary>
    /// <exception cref="Exception">Whatever the loader throws; the current model then stays.</exception>
    public async Task<ServingModel> ReloadAsync(string? path, CancellationToken cancellation = default)
    {
        await reloading.WaitAsync(cancellation);
        try
        {
            path ??= Path;
            var next = await Task.Run(() => load(path), cancellation);
            var old = Interlocked.Exchange(ref current, next);
            Path = path;
            old.Release();
            Swapped?.Invoke(next);
            return next;
        }
        finally { reloading.Release(); }
    }

    /// <summary>Releases the current model.</summary>
    public void Dispose()
    {
        current.Release();
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
