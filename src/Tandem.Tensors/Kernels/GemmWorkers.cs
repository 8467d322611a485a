namespace Tandem.Tensors.Kernels;

/// <summary>
/// A small persistent pool that runs the parts of one kernel call on the caller and background
/// threads woken by an event, so a call allocates nothing (unlike Parallel.For). Threads claim
/// parts one at a time from a shared counter, so when one thread is slowed (a busy machine) the
/// others take its share. One call uses the pool at a time; a concurrent caller runs its parts
/// itself.
/// </summary>
internal static unsafe class GemmWorkers
{
    // Spin this many iterations before sleeping: back-to-back kernel calls then hand work over
    // without a kernel wake-up, which costs tens of microseconds.
    const int SpinCount = 1000;

    static readonly object gate = new();
    static readonly ManualResetEventSlim done = new(false, SpinCount);
    static Worker[] workers = [];
    static delegate*<void*, int, void> body;
    static void* context;
    static int partCount, nextPart, pending;

    /// <summary>
    /// Runs <c>run(state, part)</c> for every part in [0, <paramref name="parts"/>) on up to
    /// <paramref name="threads"/> threads (the caller included) and returns when all have
    /// finished. <paramref name="state"/> must stay valid until then (the caller's stack is fine).
    /// </summary>
    public static void Run(int threads, int parts, delegate*<void*, int, void> run, void* state)
    {
        threads = Math.Min(threads, parts);
        if (threads <= 1 || !Monitor.TryEnter(gate))
        {
            for (int part = 0; part < parts; part++) run(state, part);
            return;
        }
        try
        {
            if (workers.Length < threads - 1) Grow(threads - 1);
            body = run;
            context = state;
            partCount = parts;
            nextPart = 0;
            pending = threads - 1;
            done.Reset();
            for (int i = 0; i < threads - 1; i++) workers[i].Wake();
            ClaimParts();
            done.Wait();
        }
        finally
        {
            Monitor.Exit(gate);
        }
    }

    static void ClaimParts()
    {
        for (int part; (part = Interlocked.Increment(ref nextPart) - 1) < partCount;)
            body(context, part);
    }

    static void Grow(int count)
    {
        var grown = new Worker[count];
        workers.CopyTo(grown, 0);
        for (int i = workers.Length; i < count; i++) grown[i] = new Worker();
        workers = grown;
    }

    sealed class Worker
    {
        readonly ManualResetEventSlim wake = new(false, SpinCount);

        public Worker() => new Thread(Loop) { IsBackground = true, Name = "Tandem GEMM worker" }.Start();

        public void Wake() => wake.Set();

        void Loop()
        {
            while (true)
            {
                wake.Wait();
                wake.Reset();
                ClaimParts();
                if (Interlocked.Decrement(ref pending) == 0) done.Set();
            }
        }
    }
}
