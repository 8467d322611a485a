using System.Diagnostics;
using Tandem.Pretrained;

namespace Tandem.Cli;

/// <summary>The feature cache of a command, reporting on the command's output.</summary>
static class EncodingLog
{
    /// <summary>
    /// A cache that writes to <paramref name="output"/> a line when an encoder starts, one per quarter
    /// of its values, one when it ends with its throughput, and every note (a cache read, a truncated
    /// text, a cache that could not be written).
    /// </summary>
    public static FeatureCache Cache(TextWriter output, string? folder = null)
    {
        var clock = new Stopwatch();
        int quarter = 0;
        var gate = new object();
        var progress = new InlineProgress<EncodingProgress>(p =>
        {
            lock (gate)
            {
                if (p.Done == 0)
                {
                    quarter = 0;
                    clock.Restart();
                    output.WriteLine($"Encoding {p.Total:N0} values with {p.Encoder}…");
                }
                else if (p.Done == p.Total)
                {
                    output.WriteLine($"Encoded {p.Total:N0} values with {p.Encoder} in {clock.Elapsed.TotalSeconds:F1} s ({p.Total / clock.Elapsed.TotalSeconds:F1}/s).");
                }
                else if (4 * p.Done / p.Total > quarter)
                {
                    quarter = 4 * p.Done / p.Total;
                    output.WriteLine($"  {p.Done:N0}/{p.Total:N0}");
                }
            }
        });
        return new FeatureCache(progress, note => output.WriteLine($"note: {note}"), folder);
    }
}
