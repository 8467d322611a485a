using Tandem.Tensors;

namespace Tandem.Pretrained;

/// <summary>Runs an encoder over items in batches, <see cref="Threads.Count"/> batches at a time, into one matrix.</summary>
static class Batches
{
    /// <summary>
    /// The [count, d] matrix whose rows start..start+n are <c>embed(start, n)</c>, for consecutive
    /// batches of at most <paramref name="batchSize"/>; the caller owns it. <paramref name="progress"/>
    /// sees the number of items done after each batch (from any thread).
    /// </summary>
    internal static Tensor Run(int count, int batchSize, Func<int, int, float[]> embed, IProgress<int>? progress, CancellationToken cancel)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch holds at least one item.");
        var parts = new float[(count + batchSize - 1) / batchSize][];
        int done = 0;
        try
        {
            Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = Threads.Count, CancellationToken = cancel }, b =>
            {
                int start = b * batchSize, n = Math.Min(batchSize, count - start);
                parts[b] = embed(start, n);
                progress?.Report(Interlocked.Add(ref done, n));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<TandemException>().FirstOrDefault() is { } first)
        {
            throw first; // the user's error (a bad image, a failed run) as one line, not wrapped
        }
        var result = Tensor.Empty(count, count == 0 ? 0 : parts.Sum(p => p.Length) / count);
        int at = 0;
        foreach (var p in parts) { p.CopyTo(result.Span[at..]); at += p.Length; }
        return result;
    }
}
