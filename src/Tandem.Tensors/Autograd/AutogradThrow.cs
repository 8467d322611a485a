using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Tensors.Autograd;

/// <summary>User errors of autograd ops: one line naming the op, the offending value and the fix.</summary>
[StackTraceHidden]
internal static class AutogradThrow
{
    [DoesNotReturn]
    public static void Shape(string op, string message) =>
        throw new ArgumentException($"{op}: {message}");

    [DoesNotReturn]
    public static void Index(string op, string what, int position, int value, int limit) =>
        throw new ArgumentOutOfRangeException(what, value, $"{op}: {what}[{position}] = {value} is outside 0..{limit - 1}.");

    [DoesNotReturn]
    public static void Value(string op, string what, string message) =>
        throw new ArgumentOutOfRangeException(what, $"{op}: {message}");
}
