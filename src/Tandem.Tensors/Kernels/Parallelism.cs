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

    // Apart from For, so the closure is allocated only when work is actually split.
    static void Split<TBody>(int count, int threads, TBody body) where TBody : struct, IRangeBody
    {
        // A few chunks per thread keeps the threads busy when rows cost unequal amounts.
        int chunks = Math.Min(count, threads * 4);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads },
            c => body.Invoke((int)((long)count * c / chunks), (int)((long)count * (c + 1) / chunks)));
    }
}
