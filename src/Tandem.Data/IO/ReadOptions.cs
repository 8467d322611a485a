namespace Tandem.Data.IO;

/// <summary>How readers treat bad input.</summary>
public readonly record struct ReadOptions
{
    /// <summary>
    /// Skip malformed rows, counting them in the <see cref="ReadReport"/>, instead of stopping at
    /// the first one with an error (the CLI's <c>--skip-bad-rows</c>). Default false. A missing
    /// column is always an error, and so is broken quoting, after which rows cannot be delimited.
    /// </summary>
    public bool SkipBadRows { get; init; }
}
