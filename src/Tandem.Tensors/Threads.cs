namespace Tandem.Tensors;

/// <summary>
/// How many threads kernels may use, chosen per caller: <c>using (Threads.Use(n)) { ... }</c> applies to
/// the kernels, training steps and index calls made inside the scope on this thread and in the tasks it
/// starts (the value flows with the execution context), and to nothing else, so a training run and an
/// index search beside it each keep their own count. Kernels read the count on the calling thread and
/// hand it to their worker threads. Results do not depend on it: kernels split work only where the
/// parts' results are combined in a fixed order.
/// </summary>
public static class Threads
{
    // 0: no scope is active, so the processor count applies.
    static readonly AsyncLocal<int> scoped = new();

    /// <summary>The number of threads kernels called here use: the innermost <see cref="Use"/> scope's, else the processor count.</summary>
    public static int Count => scoped.Value is > 0 and var count ? count : Environment.ProcessorCount;

    /// <summary>Sets <see cref="Count"/> to <paramref name="count"/> until the returned scope is disposed, which restores the previous count.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public static Scope Use(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A thread count must be at least 1.");
        // Asking for the count in effect changes nothing, and skips the execution-context copy a change costs.
        if (count == Count) return default;
        var scope = new Scope(scoped.Value);
        scoped.Value = count;
        return scope;
    }

    /// <summary>A <see cref="Use"/> scope; disposing it restores the count it replaced. The default value restores nothing.</summary>
    public readonly struct Scope : IDisposable
    {
        readonly int previous;
        readonly bool active;

        internal Scope(int previous)
        {
            this.previous = previous;
            active = true;
        }

        /// <summary>Restores the thread count that was in effect when the scope began.</summary>
        public void Dispose()
        {
            if (active) scoped.Value = previous;
        }
    }
}
