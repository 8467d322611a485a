using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Retrieval;

/// <summary>
/// Errors of the retrieval library, each message naming the value, its source and the fix:
/// <see cref="Input(string)"/> for bad user input (a spec, a metric, too few vectors) as a
/// <see cref="TandemException"/>; <see cref="Argument(string)"/> for a caller's programming error.
/// </summary>
[StackTraceHidden]
public static class RetrievalThrow
{
    /// <summary>Throws <see cref="TandemException"/> for bad user input with <paramref name="message"/>.</summary>
    [DoesNotReturn]
    public static void Input(string message) => throw new TandemException(message);

    /// <summary>As <see cref="Input(string)"/>; typed so it can end an expression.</summary>
    [DoesNotReturn]
    public static T Input<T>(string message) => throw new TandemException(message);

    /// <summary>Throws <see cref="ArgumentException"/> with <paramref name="message"/>.</summary>
    [DoesNotReturn]
    public static void Argument(string message) => throw new ArgumentException(message);

    /// <summary>Throws <see cref="InvalidOperationException"/> with <paramref name="message"/>.</summary>
    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);

    /// <summary>Throws <see cref="NotSupportedException"/> for an ability an index lacks.</summary>
    [DoesNotReturn]
    public static void NotSupported(string message) => throw new NotSupportedException(message);

    /// <summary>Throws the <see cref="TandemException"/> for an index factory string that cannot be parsed.</summary>
    [DoesNotReturn]
    public static IVectorIndex BadSpec(string spec, string problem) =>
        throw new TandemException($"Cannot parse index spec \"{spec}\": {problem}. Examples: Flat, HNSW32, HNSW32,efC200, IVF1024,Flat, IVF1024,PQ16, IVF1024,PQ32x4fs, IVF1024,PQ16,Refine, IVF1024,PQ32x4fs,Refine16.");
}
