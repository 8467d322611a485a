using System.Runtime.CompilerServices;

namespace Tandem.Tensors.Kernels;

/// <summary>A piece of a kernel's work: items <c>start..end</c> (exclusive) of some count.</summary>
internal interface IRangeBody
{
    void Invoke(int start, int end);
}

/// <summary>
/// Splits kernel work over <see cref="Threads.Count"/> threads when it is large enough to pay for
/// the hand-off. Callers split only along independent items (rows, bags, blocks whose partial
/// results are combined in a fixed order), so the thread count never changes a result.
/// </summary>
internal static class Parallelism
{
    /// <summary>Below this many touched values a call runs on the calling thread.</summary>
    public const long MinWork = 1 << 16;

    /// <summary>How many independent parts work of this size is worth splitting into.</summary>
    public static int Parts(long work) => work >= MinWork ? Threads.Count : 1;

    /// <summary>Runs <paramref name="body"/> over <c>0..count</c>, split across threads when <paramref name="work"/> is large.</summary>
    public static void For<TBody>(int count, long work, TBody body) where TBody : struct, IRangeBody
    {
        int threads = Threads.Count;
        if (threads == 1 || count < 2 || work < MinWork) body.Invoke(0, count);
        else Split(count, threads, body);
    }

    static unsafe void Split<TBody>(int count, int threads, TBody body) where TBody : struct, IRangeBody
    {
        // A few chunks per thread keeps the threads busy when rows cost unequal amounts.
        var split = new Chunks<TBody>(body, count, Math.Min(count, threads * 4));
        // The workers read split through the pointer only while this frame waits for them.
        Workers.Run(threads, split.Count, &Chunks<TBody>.Run, Unsafe.AsPointer(ref split));
    }

    readonly struct Chunks<TBody>(TBody body, int items, int count) where TBody : struct, IRangeBody
    {
        readonly TBody body = body;
        readonly int items = items;
        public readonly int Count = count;

        public static unsafe void Run(void* state, int chunk)
        {
            ref var split = ref Unsafe.AsRef<Chunks<TBody>>(state);
            split.body.Invoke((int)((long)split.items * chunk / split.Count), (int)((long)split.items * (chunk + 1) / split.Count));
        }
    }
}
