namespace Tandem.Tensors.Kernels;

/// <summary>
/// A small persistent pool that runs the parts of one kernel call on the caller and background
/// threads woken by an event, so a call allocates nothing (unlike Parallel.For). Threads claim
/// parts one at a time from a shared counter, so when one thread is slowed (a busy machine) the
/// others take its share. One call uses the pool at a time; a concurrent caller runs its parts
/// itself. A team call instead runs one member per thread, all at once, so members can meet at
/// <see cref="Barrier"/> (to share a packed operand).
/// </summary>
internal static unsafe class GemmWorkers
{
    // Spin this many iterations before sleeping: back-to-back kernel calls then hand work over
    // without a kernel wake-up, which costs tens of microseconds.
    const int SpinCount = 1000;

    static readonly object gate = new();
    static readonly ManualResetEventSlim done = WithLock(new(false, SpinCount));
    static Worker[] workers = [];
    static delegate*<void*, int, void> body;
    static delegate*<void*, int, int, void> teamBody;
    static void* context;
    static int partCount, nextPart, pending;
    static int barrierArrived, barrierGeneration, teamClaims;

    // ManualResetEventSlim allocates its lock object the first time a waiter blocks: block once
    // here (1 ms, at type initialisation) so that never happens inside a kernel call, which must
    // not allocate (it made the allocation-free test fail now and then).
    static ManualResetEventSlim WithLock(ManualResetEventSlim signal)
    {
        signal.Wait(1);
        return signal;
    }

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
            Start(threads, parts, run, state);
        }
        finally
        {
            Monitor.Exit(gate);
        }
    }

    /// <summary>
    /// Runs <c>run(state, member, members)</c> for every member in [0, members) at the same time,
    /// one per thread, and returns when all have finished. members is <paramref name="threads"/>,
    /// or 1 (on the caller alone) when threads ≤ 1 or the pool is busy; only a team of more than
    /// one may call <see cref="Barrier"/> and <see cref="Claim"/>. <paramref name="state"/> as for <see cref="Run"/>.
    /// </summary>
    public static void RunTeam(int threads, delegate*<void*, int, int, void> run, void* state)
    {
        if (threads <= 1 || !Monitor.TryEnter(gate))
        {
            run(state, 0, 1);
            return;
        }
        try
        {
            teamBody = run;
            barrierArrived = 0;
            teamClaims = 0;
            // Every thread claims one part: none can finish its part (and claim another) before
            // all members have reached the first barrier.
            Start(threads, threads, &RunMember, state);
        }
        finally
        {
            Monitor.Exit(gate);
        }
    }

    /// <summary>
    /// Returns once every member of the running team has called it as often as the caller.
    /// Spins (yielding the core to others on a busy machine) rather than sleeping: the members
    /// arrive within a panel's packing time of each other.
    /// </summary>
    public static void Barrier()
    {
        int generation = Volatile.Read(ref barrierGeneration);
        if (Interlocked.Increment(ref barrierArrived) == partCount)
        {
            barrierArrived = 0;
            Volatile.Write(ref barrierGeneration, generation + 1);
            return;
        }
        var spinner = new SpinWait();
        while (Volatile.Read(ref barrierGeneration) == generation) spinner.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>
    /// The running team's next unclaimed item, counting from 0 for each team: members call it
    /// until it passes their item count, so a member slowed by other work takes fewer items.
    /// </summary>
    public static int Claim() => Interlocked.Increment(ref teamClaims) - 1;

    static void RunMember(void* state, int member) => teamBody(state, member, partCount);

    static void Start(int threads, int parts, delegate*<void*, int, void> run, void* state)
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
