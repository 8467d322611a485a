using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Tensors.Optimizers;

/// <summary>User errors of optimizers, options and schedules: one line naming the value, where it came from and the fix.</summary>
[StackTraceHidden]
static class OptimizerThrow
{
    /// <summary>Returns <paramref name="value"/> if it is finite and at least 0.</summary>
    public static float IfNegative(float value, string source) =>
        float.IsFinite(value) && value >= 0 ? value : OutOfRange(value, source, "a finite value >= 0");

    /// <summary>Returns <paramref name="value"/> if it is finite and above 0.</summary>
    public static float IfNotPositive(float value, string source) =>
        float.IsFinite(value) && value > 0 ? value : OutOfRange(value, source, "a finite value > 0");

    /// <summary>Returns <paramref name="value"/> if it lies in [0, 1).</summary>
    public static float IfNotUnitInterval(float value, string source) =>
        value is >= 0 and < 1 ? value : OutOfRange(value, source, "a value in [0, 1)");

    /// <summary>Returns <paramref name="value"/> if it is at least 0.</summary>
    public static long IfNegative(long value, string source) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(source, value, $"{source} is {value}; use a value >= 0.");

    /// <summary>Returns <paramref name="value"/> if it is above 0.</summary>
    public static long IfNotPositive(long value, string source) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(source, value, $"{source} is {value}; use a value > 0.");

    [DoesNotReturn]
    static float OutOfRange(float value, string source, string expected) =>
        throw new ArgumentOutOfRangeException(source, value, $"{source} is {value}; use {expected}.");

    [DoesNotReturn]
    public static void NesterovWithoutMomentum() =>
        throw new ArgumentException("SgdOptions.Nesterov is true but Momentum is 0; set Momentum > 0 or Nesterov = false.");

    [DoesNotReturn]
    public static void DuplicateParameter(string name) =>
        throw new ArgumentException($"Parameter '{name}' is given to the optimizer twice (or two parameters share that name); pass each parameter once under a unique name.", "parameters");

    [DoesNotReturn]
    public static void MissingState(string name) =>
        throw new ArgumentException($"Optimizer state '{name}' is missing from the restored state; save it with the same optimizer type, options and parameters.", "state");

    [DoesNotReturn]
    public static void UnknownState(string name) =>
        throw new ArgumentException($"Optimizer state '{name}' is not kept by this optimizer; restore state saved by the same optimizer type, options and parameters.", "state");

    [DoesNotReturn]
    public static void StateShape(string name, Tensor expected, Tensor actual) =>
        throw new ArgumentException($"Optimizer state '{name}' is {actual} but this optimizer keeps {expected}; restore state saved for the same parameter shapes.", "state");
}
