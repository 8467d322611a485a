namespace Tandem.Data.IO;

/// <summary>
/// What a read skipped under <see cref="ReadOptions.SkipBadRows"/>: the count and the first
/// few messages, for the summary printed at the end. Not thread-safe.
/// </summary>
public sealed class ReadReport
{
    /// <summary>How many messages are kept; the count goes on past it.</summary>
    public const int MaxMessages = 10;

    readonly List<string> messages = [];

    /// <summary>Rows read and kept.</summary>
    public long RowsRead { get; internal set; }

    /// <summary>Rows skipped as malformed.</summary>
    public long RowsSkipped { get; private set; }

    /// <summary>The first <see cref="MaxMessages"/> reasons, one line each.</summary>
    public IReadOnlyList<string> Messages => messages;

    internal void Skip(string message)
    {
        RowsSkipped++;
        if (messages.Count < MaxMessages) messages.Add(message);
    }

    /// <summary>One line for the end of a run, e.g. <c>skipped 2 bad rows of 100 (first: ...)</c>.</summary>
    public override string ToString() => RowsSkipped == 0
        ? $"read {RowsRead} rows"
        : $"read {RowsRead} rows, skipped {RowsSkipped} bad rows (first: {messages[0]})";
}
