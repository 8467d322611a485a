namespace Tandem.Models.Persistence;

/// <summary>
/// A model, checkpoint or index file that cannot be read or written: wrong kind, newer format,
/// truncated, corrupt, or not matching the objects it is loaded into. The message is one line
/// naming the file and what is wrong; a CLI prints it as it is and exits non-zero.
/// </summary>
public sealed class TandemFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with its one-line message.</summary>
    public TandemFileException(string path, string message, Exception? inner = null) : base(message, inner) => FilePath = path;

    /// <summary>The file the error is about.</summary>
    public string FilePath { get; }
}
