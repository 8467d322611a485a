using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.IO;

/// <summary>
/// Every error of reading or writing Tandem files, in one place so the wording stays consistent:
/// <c>{file}: {what is wrong} — {what it means or how to fix it}</c>. Each throws a <see cref="TandemFileException"/>.
/// </summary>
[StackTraceHidden]
public static class FileThrow
{
    /// <summary>Throws <c>{path}: {message}</c>.</summary>
    [DoesNotReturn]
    public static void File(string path, string message, Exception? inner = null) =>
        throw new TandemFileException(path, $"{path}: {message}", inner);

    /// <summary>As <see cref="File"/>; typed so it can end an expression.</summary>
    [DoesNotReturn]
    public static T File<T>(string path, string message) =>
        throw new TandemFileException(path, $"{path}: {message}");

    /// <summary>Throws <c>{path}: {detail} — the file is corrupt</c>.</summary>
    [DoesNotReturn]
    public static void Corrupt(string path, string detail) =>
        File(path, $"{detail} — the file is corrupt");

    /// <summary>As <see cref="Corrupt"/>; typed so it can end an expression.</summary>
    [DoesNotReturn]
    public static T Corrupt<T>(string path, string detail) =>
        File<T>(path, $"{detail} — the file is corrupt");

    /// <summary>Throws for a valid file that does not fit what it is loaded into.</summary>
    [DoesNotReturn]
    public static void Mismatch(string path, string detail) =>
        File(path, $"{detail}; the file was saved from a different model or configuration");

    [DoesNotReturn]
    internal static void NotFound(string path, Exception inner) =>
        File(path, "file not found; check the path", inner);

    [DoesNotReturn]
    internal static void NotTandem(string path, ReadOnlySpan<byte> start)
    {
        if (start.StartsWith("TANDEMIX"u8))
            File(path, "an index written by an older Tandem (format TANDEMIX), which this version no longer reads; rebuild the index");
        File(path, $"not a Tandem file (it starts with {Convert.ToHexString(start[..Math.Min(4, start.Length)])}, expected a Tandem magic number such as {Convert.ToHexString("TNDM"u8)} for a model)");
    }

    [DoesNotReturn]
    internal static void WrongKind(string path, TandemFileKind actual, TandemFileKind expected) =>
        throw new TandemFileException(path, $"{path} is a Tandem {Describe(actual)}, not {(expected is TandemFileKind.Index or TandemFileKind.ImageCache or TandemFileKind.EmbeddingCache ? "an" : "a")} {Describe(expected)}");

    [DoesNotReturn]
    internal static void NewerVersion(string path, uint version, uint supported) =>
        File(path, $"format version {version} is newer than this Tandem ({supported}); upgrade Tandem to read it");

    [DoesNotReturn]
    internal static void Truncated(string path, string detail) =>
        File(path, $"the file is truncated ({detail}) — it was cut short or not written completely");

    [DoesNotReturn]
    internal static void SectionChecksum(string path, string section) =>
        Corrupt(path, $"checksum mismatch in section '{section}'");

    [DoesNotReturn]
    internal static void MissingSection(string path, string section, string why) =>
        File(path, $"has no section '{section}' ({why})");

    [DoesNotReturn]
    internal static void SectionKind(string path, string section, SectionKind actual, SectionKind expected) =>
        File(path, $"section '{section}' holds {actual}, expected {expected}");

    [DoesNotReturn]
    internal static void Argument(string message, string paramName) => throw new ArgumentException(message, paramName);

    internal static string Describe(TandemFileKind kind) => kind switch
    {
        TandemFileKind.Model => "model",
        TandemFileKind.Checkpoint => "checkpoint",
        TandemFileKind.ImageCache => "image cache",
        TandemFileKind.EmbeddingCache => "embedding cache",
        _ => "index",
    };

    /// <summary>A shape as <c>[2, 3]</c>, for messages.</summary>
    public static string Shape(ReadOnlySpan<int> shape) => $"[{string.Join(", ", shape.ToArray())}]";
}
