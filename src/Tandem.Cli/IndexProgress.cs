using System.Diagnostics;
using Spectre.Console;
using Tandem.Retrieval;
using Tandem.Retrieval.Formats;

namespace Tandem.Cli;

/// <summary>
/// Adds vectors to an index in chunks so a long build shows its progress (a Spectre.Console bar in a
/// terminal, a plain line every few seconds otherwise) and stops cleanly between chunks on Ctrl+C.
/// </summary>
static class IndexProgress
{
    /// <summary>Rows per <see cref="VectorIndex.Add"/> call: large enough that each call's own threads have work.</summary>
    const int Chunk = 16_384;

    /// <summary>Adds every row of <paramref name="vectors"/>; false if <paramref name="stop"/> was cancelled first.</summary>
    public static bool Add(VectorIndex index, VectorSet vectors, long[] ids, TextWriter output, CancellationToken stop)
    {
        if (output == Console.Out && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            return AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask($"Adding {vectors.Rows:N0} vectors", maxValue: vectors.Rows);
                return AddChunks(index, vectors, ids, stop, done => task.Value = done);
            });
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        return AddChunks(index, vectors, ids, stop, done =>
        {
            if (clock.Elapsed - last < TimeSpan.FromSeconds(5) || done == vectors.Rows) return;
            last = clock.Elapsed;
            output.WriteLine($"Added {done:N0} of {vectors.Rows:N0} vectors ({clock.Elapsed.TotalSeconds:F0} s)");
        });
    }

    static bool AddChunks(VectorIndex index, VectorSet vectors, long[] ids, CancellationToken stop, Action<int> progress)
    {
        int d = vectors.Dimension;
        for (int start = 0; start < vectors.Rows; start += Chunk)
        {
            if (stop.IsCancellationRequested) return false;
            int rows = Math.Min(Chunk, vectors.Rows - start);
            index.Add(vectors.Span.Slice(start * d, rows * d), ids.AsSpan(start, rows));
            progress(start + rows);
        }
        return true;
    }
}
