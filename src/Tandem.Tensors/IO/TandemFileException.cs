namespace Tandem.IO;

/// <summary>
/// A file that cannot be read or written: missing, of another kind, newer, truncated, corrupt,
/// not matching the objects it is loaded into, or not writable. The message is one line naming
/// the file and what is wrong.
/// </summary>
public sealed class TandemFileException : TandemException
{
    /// <summary>Creates the exception for <paramref name="path"/> with its one-line message.</summary>
    public TandemFileException(string path, string message, Exception? inner = null) : base(message, inner) => FilePath = path;

    /// <summary>The file the error is about.</summary>
    public string FilePath { get; }
}
