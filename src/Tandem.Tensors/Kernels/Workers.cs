namespace Tandem.Tensors.Kernels;

/// <summary>
/// A small persistent pool that runs the parts of one kernel call (GEMM, row and element-wise
/// kernels, optimizer updates) on the caller and background threads woken by an event, so a call
/// allocates nothing and hands work to threads that are still spinning from the previous call
/// (Parallel.For allocates, and wakes thread-pool threads that compete with these). Threads claim
/// parts one at a time from a shared ticket, and the caller waits only for parts that were
/// claimed: a worker that wakes late (asleep after a pause, or preempted) finds the parts taken
/// by the caller and is never waited for. One call uses the pool at a time; a concurrent (or
/// nested) caller runs its parts itself. A team call runs members that may meet at <see cref="Barrier"/>
/// (to share a packed operand) or share work through <see cref="Claim"/> counters.
/// </summary>
internal static unsafe class Workers
{
    // Spin this many iterations before sleeping: back-to-back kernel calls then hand work over
    // without a kernel wake-up, which costs tens of microseconds.
    const int SpinCount = 1000;

    /// <summary>How many <see cref="Claim"/> counters a team call has.</summary>
    public const int Counters = 3;

    static int busy; // 1 while a call holds the pool; a flag, not a lock, so a nested call cannot re-enter
    static readonly ManualResetEventSlim done = WithLock(new(false, SpinCount));
    static Worker[] workers = [];
    static delegate*<void*, int, void> body;
    static delegate*<void*, int, int, void> teamBody;
    static void* context;
    // The call's generation (high 32 bits), part count (16 bits) and next unclaimed part (low 16
    // bits) in one word: a late worker's claim on a finished call fails its compare-exchange,
    // so it can never run a part of one call with another call's body.
    static long ticket;
    static int generation, partCount, finished;
    static int barrierArrived, barrierGeneration;
    static Counts counts;

    [System.Runtime.CompilerServices.InlineArray(Counters)]
    struct Counts { int first; }

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
        if (threads <= 1 || !TryHold())
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
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>
    /// Runs <c>run(state, member, members)</c> for every member in [0, members) and returns when
    /// all have finished; members is <paramref name="threads"/>, or 1 (on the caller alone) when
    /// threads ≤ 1 or the pool is busy. <c>prepare(state)</c> runs first, on the caller, while it
    /// holds the pool (to size shared buffers). Members that meet at <see cref="Barrier"/> run
    /// at the same time, one per thread; members that only <see cref="Claim"/> work may run one
    /// after another on the same thread, so they must not wait for each other except for work
    /// another member has claimed. <paramref name="state"/> as for <see cref="Run"/>.
    /// </summary>
    public static void RunTeam(int threads, delegate*<void*, void> prepare, delegate*<void*, int, int, void> run, void* state)
    {
        if (threads <= 1 || !TryHold())
        {
            run(state, 0, 1);
            return;
        }
        try
        {
            prepare(state);
            teamBody = run;
            barrierArrived = 0;
            ((Span<int>)counts).Clear();
            // A member claims one part; none can finish its part (and claim another) before
            // all members have reached a barrier, so members that meet run on distinct threads.
            Start(threads, threads, &RunMember, state);
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    static bool TryHold() => Interlocked.CompareExchange(ref busy, 1, 0) == 0;

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
    /// Counter <paramref name="counter"/>'s next value, from 0 for each team call: members call
    /// it for their next item until it passes the item count, so a member slowed by other work
    /// (or not started yet) takes fewer items.
    /// </summary>
    public static int Claim(int counter) => Interlocked.Increment(ref counts[counter]) - 1;

    /// <summary>Spins until counter <paramref name="counter"/> has reached <paramref name="value"/>.</summary>
    public static void Await(int counter, int value)
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref counts[counter]) < value) spinner.SpinOnce(sleep1Threshold: -1);
    }

    static void RunMember(void* state, int member) => teamBody(state, member, partCount);

    static void Start(int threads, int parts, delegate*<void*, int, void> run, void* state)
    {
        System.Diagnostics.Debug.Assert(parts <= 0xFFFF, "the ticket holds 16 bits of part count");
        if (workers.Length < threads - 1) Grow(threads - 1);
        body = run;
        context = state;
        partCount = parts;
        finished = 0;
        done.Reset();
        generation++;
        Volatile.Write(ref ticket, (long)generation << 32 | (long)parts << 16);
        for (int i = 0; i < threads - 1; i++) workers[i].Wake();
        ClaimParts();
        done.Wait();
    }

    static void ClaimParts()
    {
        while (true)
        {
            long current = Volatile.Read(ref ticket);
            int parts = (int)(current >> 16) & 0xFFFF, part = (int)current & 0xFFFF;
            if (part >= parts) return;
            if (Interlocked.CompareExchange(ref ticket, current + 1, current) != current) continue;
            // The claim succeeded on this call's ticket, and the call cannot end before this
            // part does, so body and context are this call's.
            body(context, part);
            if (Interlocked.Increment(ref finished) == parts) done.Set();
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

        public Worker() => new Thread(Loop) { IsBackground = true, Name = "Tandem worker" }.Start();

        public void Wake() => wake.Set();

        void Loop()
        {
            while (true)
            {
                wake.Wait();
                // Reset before claiming: a wake-up for the next call, arriving while this
                // worker still claims, stays set.
                wake.Reset();
                ClaimParts();
            }
        }
    }
}
