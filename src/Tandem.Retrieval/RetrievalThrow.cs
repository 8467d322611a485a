using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Retrieval;

/// <summary>User errors of the retrieval library, each message naming the value, its source and the fix.</summary>
[StackTraceHidden]
public static class RetrievalThrow
{
    /// <summary>Throws <see cref="ArgumentException"/> with <paramref name="message"/>.</summary>
    [DoesNotReturn]
    public static void Argument(string message) => throw new ArgumentException(message);

    /// <summary>Throws <see cref="ArgumentException"/>; typed so it can end an expression.</summary>
    [DoesNotReturn]
    public static T Argument<T>(string message) => throw new ArgumentException(message);

    /// <summary>Throws <see cref="InvalidOperationException"/> with <paramref name="message"/>.</summary>
    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);

    /// <summary>Throws <see cref="NotSupportedException"/> for an ability an index lacks.</summary>
    [DoesNotReturn]
    public static void NotSupported(string message) => throw new NotSupportedException(message);

    /// <summary>Throws <see cref="InvalidDataException"/> naming the file and what is wrong in it.</summary>
    [DoesNotReturn]
    public static void BadFile(string path, string problem) => throw new InvalidDataException($"{path}: {problem}");

    /// <summary>Throws <see cref="InvalidDataException"/>; typed so it can end an expression.</summary>
    [DoesNotReturn]
    public static T BadFile<T>(string path, string problem) => throw new InvalidDataException($"{path}: {problem}");

    /// <summary>Throws the error for an index factory string that cannot be parsed.</summary>
    [DoesNotReturn]
    public static IVectorIndex BadSpec(string spec, string problem) =>
        throw new ArgumentException($"Cannot parse index spec \"{spec}\": {problem}. Examples: Flat, HNSW32, HNSW32,efC200, IVF1024,Flat, IVF1024,PQ16, IVF1024,PQ16,Refine.");
}
