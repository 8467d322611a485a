using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Models;

/// <summary>User errors of towers, tasks and the trainer: one line naming the value, where it came from and the fix.</summary>
[StackTraceHidden]
static class ModelThrow
{
    [DoesNotReturn]
    public static void Config(string message) => throw new ModelException(message);
}

/// <summary>A model configuration or its input is wrong; the message names the feature or option and the fix.</summary>
public sealed class ModelException(string message) : TandemException(message);
