using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Pretrained;

/// <summary>A bad model, vocabulary or input given to a pretrained encoder.</summary>
public sealed class PretrainedException(string message) : TandemException(message);

/// <summary>Throws the pretrained encoders' user errors.</summary>
[StackTraceHidden]
static class PretrainedThrow
{
    [DoesNotReturn]
    internal static void Input(string message) => throw new PretrainedException(message);
}
