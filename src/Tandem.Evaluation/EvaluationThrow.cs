using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Evaluation;

/// <summary>
/// Errors of metrics and evaluators, one line naming the value, where it came from and the fix:
/// <see cref="Input"/> and <see cref="InvalidScores"/> for what the user's data, options or model caused
/// (a <see cref="TandemException"/>); the argument throws for a caller's programming error.
/// </summary>
[StackTraceHidden]
static class EvaluationThrow
{
    /// <summary>Returns <paramref name="k"/> if it is at least 1.</summary>
    public static int IfCutoffNotPositive(int k, string source) =>
        k >= 1 ? k : throw new ArgumentOutOfRangeException(source, k, $"{source} is {k}; a cutoff K must be at least 1.");

    [DoesNotReturn]
    public static void Argument(string message, string source) => throw new ArgumentException(message, source);

    [DoesNotReturn]
    public static void OutOfRange(string message, string source, object value) =>
        throw new ArgumentOutOfRangeException(source, value, message);

    [DoesNotReturn]
    public static void Input(string message) => throw new TandemException(message);

    [DoesNotReturn]
    public static void InvalidScores(string message) => throw new TandemException(message);
}
