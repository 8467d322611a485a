using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Tensors.Kernels;

/// <summary>User-error throws for the kernels: one line naming the value, the argument and the fix.</summary>
[StackTraceHidden]
internal static class KernelThrow
{
    [DoesNotReturn]
    public static void Length(string param, int actual, long expected, string meaning) =>
        throw new ArgumentException(
            $"{param} holds {actual} values but must hold {expected} ({meaning}); pass a span of exactly that length.", param);

    [DoesNotReturn]
    public static void NotWholeRows(string param, int length, int cols) =>
        throw new ArgumentException(
            $"{param} holds {length} values, which is not a whole number of rows of {cols} columns; pass rows*{cols} values.", param);

    [DoesNotReturn]
    public static void ColsNotPositive(string param, int cols) =>
        throw new ArgumentOutOfRangeException(param, cols, $"{param} is {cols} but must be at least 1 (the number of columns).");

    [DoesNotReturn]
    public static void Negative(string param, int value) =>
        throw new ArgumentOutOfRangeException(param, value, $"{param} is {value} but must not be negative.");

    [DoesNotReturn]
    public static void CountOverRows(string countParam, int count, string param, int rows, int width) =>
        throw new ArgumentOutOfRangeException(countParam, count,
            $"{countParam} is {count} but must be 0..{rows}, the rows of {width} values that {param} holds; pass a count within the span or a longer span.");

    [DoesNotReturn]
    public static void IdOutOfRange(string param, int position, int id, int rows) =>
        throw new ArgumentOutOfRangeException(param, id,
            $"{param}[{position}] is {id}, outside the table's rows 0..{rows - 1}; fix the id or enlarge the table.");

    [DoesNotReturn]
    public static void BadOffsets(int position, int value, int previous, int rows) =>
        throw new ArgumentException(
            $"offsets[{position}] is {value} but offsets must rise from 0 or more (previous {previous}) to at most {rows}, the rows of x; bag b is rows offsets[b]..offsets[b+1].",
            "offsets");

    [DoesNotReturn]
    public static void EmptyOffsets() =>
        throw new ArgumentException("offsets is empty but must hold bags+1 boundaries (at least one value).", "offsets");

    [DoesNotReturn]
    public static void BadEps(float eps) =>
        throw new ArgumentOutOfRangeException("eps", eps, $"eps is {eps} but must be a positive finite number.");
}
