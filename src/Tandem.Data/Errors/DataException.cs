namespace Tandem.Data;

/// <summary>
/// Bad input data or configuration: a malformed row, a missing column, a non-finite number,
/// an unknown feature kind. The message is one line that names where (file, line, column)
/// and what was expected; a CLI prints it as it is and exits non-zero.
/// </summary>
public sealed class DataException : TandemException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public DataException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-line message and the error that caused it.</summary>
    public DataException(string message, Exception inner) : base(message, inner) { }
}
