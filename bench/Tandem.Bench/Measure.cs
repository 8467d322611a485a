using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tandem.Bench;

/// <summary>Timing helpers shared by the benchmarks.</summary>
static partial class Measure
{
    /// <summary>
    /// Time single-threaded work in the calling thread's CPU time instead of wall time, so
    /// preemption by other processes on a shared machine does not count (set by --clock cpu).
    /// </summary>
    public static bool ThreadCpuClock { get; set; }

    /// <summary>How long <see cref="IterationsFor"/> runs an action before counting.</summary>
    public const double WarmUpMs = 500;

    /// <summary>
    /// Iterations of <paramref name="action"/> that take at least <paramref name="minMs"/> milliseconds,
    /// counted after the action ran for <see cref="WarmUpMs"/>: tiered compilation replaces the
    /// first, slower code only after a while, and a count taken on that code gives blocks too
    /// short to time the optimised code well.
    /// </summary>
    public static int IterationsFor(Action action, double minMs)
    {
        for (long start = Stopwatch.GetTimestamp(); Stopwatch.GetElapsedTime(start).TotalMilliseconds < WarmUpMs;) action();
        for (int iterations = 1; ; iterations *= 2)
        {
            double ms = Milliseconds(action, iterations);
            if (ms >= minMs) return iterations;
            if (ms > minMs / 8) return (int)Math.Ceiling(iterations * minMs / ms);
        }
    }

    /// <summary>Wall time of <paramref name="iterations"/> back-to-back calls, in milliseconds.</summary>
    public static double Milliseconds(Action action, int iterations)
    {
        if (ThreadCpuClock)
        {
            double begin = ThreadCpuMilliseconds();
            for (int i = 0; i < iterations; i++) action();
            return ThreadCpuMilliseconds() - begin;
        }
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++) action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>
    /// Runs a Python reference script in a child process and parses the one JSON line it prints.
    /// PyTorch's OpenMP workers spin by default, which on a shared 2-core machine starves them: passive.
    /// </summary>
    public static JsonDocument Python(string python, string script, params string[] args)
    {
        var info = new ProcessStartInfo(python, [script, .. args]) { RedirectStandardOutput = true };
        info.Environment["OMP_WAIT_POLICY"] = "passive";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {python}");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} exited with {process.ExitCode}");
        return JsonDocument.Parse(output);
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The CPU model from /proc/cpuinfo, or "unknown".</summary>
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
            return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return "unknown"; }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    static double ThreadCpuMilliseconds()
    {
        const int ThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID
        ClockGetTime(ThreadCpuTimeId, out var time);
        return time.Seconds * 1e3 + time.Nanoseconds / 1e6;
    }
}
