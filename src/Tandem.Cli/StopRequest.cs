namespace Tandem.Cli;

/// <summary>
/// Turns Ctrl+C into a clean stop: the first press cancels <see cref="Token"/> (the trainer
/// finishes its step, saves a checkpoint and returns) and keeps the process alive; a second
/// press ends the process at once, as Ctrl+C normally does. Dispose to unhook.
/// <code>
/// using var stop = StopRequest.OnCtrlC(Console.Error);
/// trainer.Fit(..., stop.Token);
/// </code>
/// </summary>
public sealed class StopRequest : IDisposable
{
    readonly CancellationTokenSource source = new();
    readonly TextWriter? notice;
    readonly string stopping;
    readonly ConsoleCancelEventHandler? handler;

    StopRequest(TextWriter? notice, bool hook, string stopping = "Stopping after this step and saving a checkpoint")
    {
        this.notice = notice;
        this.stopping = stopping;
        if (!hook) return;
        handler = (_, e) => e.Cancel = Request();
        Console.CancelKeyPress += handler;
    }

    /// <summary>
    /// Hooks Ctrl+C (and Ctrl+Break) of this process; <paramref name="notice"/>, if given, is told what
    /// happens: <paramref name="stopping"/> (default: stopping after this step and saving a checkpoint).
    /// </summary>
    public static StopRequest OnCtrlC(TextWriter? notice = null, string? stopping = null) =>
        stopping is null ? new(notice, hook: true) : new(notice, hook: true, stopping);

    /// <summary>A request not tied to the console, cancelled only by <see cref="Request"/> (for tests and hosts with their own signals).</summary>
    public static StopRequest Manual() => new(null, hook: false);

    /// <summary>Cancelled at the first request.</summary>
    public CancellationToken Token => source.Token;

    /// <summary>Whether a stop was requested.</summary>
    public bool IsRequested => source.IsCancellationRequested;

    /// <summary>
    /// Requests a stop. Returns true for the first request (the process should keep running so the
    /// trainer can save) and false for any later one (let the process end).
    /// </summary>
    public bool Request()
    {
        if (source.IsCancellationRequested)
        {
            notice?.WriteLine("Stopping now, without saving.");
            return false;
        }
        notice?.WriteLine($"{stopping}; press Ctrl+C again to quit at once.");
        source.Cancel();
        return true;
    }

    /// <summary>Unhooks Ctrl+C.</summary>
    public void Dispose()
    {
        if (handler is not null) Console.CancelKeyPress -= handler;
        source.Dispose();
    }
}
