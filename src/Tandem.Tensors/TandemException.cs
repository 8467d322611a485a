namespace Tandem;

/// <summary>
/// The base of every error Tandem reports to its user: bad input data, a bad configuration or
/// option, a damaged or mismatched file. The message is one line naming the value, where it came
/// from (file, line, field) and the fix; a command line prints it as it is and exits non-zero.
/// Any other exception escaping Tandem is a bug (or a caller's programming error, such as a null
/// argument), never the user's input.
/// </summary>
public class TandemException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public TandemException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-line message and the error that caused it.</summary>
    public TandemException(string message, Exception? inner) : base(message, inner) { }
}
