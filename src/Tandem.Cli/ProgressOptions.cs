namespace Tandem.Cli;

/// <summary>Options of <see cref="ConsoleProgress"/>. <c>default</c> gives the documented defaults.</summary>
public readonly record struct ProgressOptions
{
    /// <summary>
    /// Whether to draw a live progress bar. Default null: draw one when the console is interactive
    /// and its output is not redirected; otherwise print plain lines (CI logs, files).
    /// </summary>
    public bool? Live { get; init; }

    /// <summary>In plain mode, the least time between two within-epoch progress lines. Default 10 seconds; <see cref="TimeSpan.Zero"/> is the default, use <see cref="TimeSpan.MaxValue"/> for epoch lines only.</summary>
    public TimeSpan PlainInterval
    {
        get => field == TimeSpan.Zero ? TimeSpan.FromSeconds(10) : field;
        init => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(PlainInterval), value, "PlainInterval cannot be negative.");
    }
}
