using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Cli;

/// <summary>A user error the command line reports as one line and exit code 1.</summary>
public sealed class CliException(string message) : TandemException(message);

/// <summary>Throws the command line's user errors.</summary>
[StackTraceHidden]
static class CliThrow
{
    [DoesNotReturn]
    internal static void Input(string message) => throw new CliException(message);

    /// <summary>As <see cref="Input(string)"/>, in expressions that need a value.</summary>
    [DoesNotReturn]
    internal static T Input<T>(string message) => throw new CliException(message);
}
