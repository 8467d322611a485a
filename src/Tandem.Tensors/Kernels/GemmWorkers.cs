namespace Tandem.Tensors.Kernels;

/// <summary>
/// A small persistent pool that runs the parts of one kernel call: part 0 on the caller, the
/// others on background threads that wake on an event, so a call allocates nothing (unlike
/// Parallel.For). One call uses the pool at a time; a concurrent caller runs its parts itself.
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
    static int pending;

    /// <summary>
    /// Runs <c>run(state, part)</c> for every part in [0, <paramref name="parts"/>) and returns
    /// when all have finished. <paramref name="state"/> must stay valid until then (the caller's
    /// stack is fine).
    /// </summary>
    public static void Run(int parts, delegate*<void*, int, void> run, void* state)
    {
        if (parts <= 1 || !Monitor.TryEnter(gate))
        {
            for (int part = 0; part < parts; part++) run(state, part);
            return;
        }
        try
        {
            if (workers.Length < parts - 1) Grow(parts - 1);
            body = run;
            context = state;
            pending = parts - 1;
            done.Reset();
            for (int part = 1; part < parts; part++) workers[part - 1].Start(part);
            run(state, 0);
            done.Wait();
        }
        finally
        {
            Monitor.Exit(gate);
        }
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
        int part;

        public Worker() => new Thread(Loop) { IsBackground = true, Name = "Tandem GEMM worker" }.Start();

        public void Start(int part)
        {
            this.part = part;
            wake.Set();
        }

        void Loop()
        {
            while (true)
            {
                wake.Wait();
                wake.Reset();
                body(context, part);
                if (Interlocked.Decrement(ref pending) == 0) done.Set();
            }
        }
    }
}
