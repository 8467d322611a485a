using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tandem.Data;

/// <summary>
/// Every user-facing error of Tandem.Data, in one place so the wording stays consistent:
/// <c>file:line: column 'name': expected ..., found "..."</c>.
/// </summary>
[StackTraceHidden]
static class DataThrow
{
    /// <summary>The message for a field that failed to parse; shared by the throwing and the skipping paths.</summary>
    internal static string FieldMessage(string file, long line, string column, string expected, ReadOnlySpan<char> found) =>
        $"{file}:{line}: column '{column}': expected {expected}, found \"{found}\"";

    internal static string FieldCountMessage(string file, long line, int expected, int found) =>
        $"{file}:{line}: expected {expected} fields, found {found}";

    [DoesNotReturn]
    internal static void Data(string message) => throw new DataException(message);

    [DoesNotReturn]
    internal static void MissingColumn(string file, string column, IReadOnlyList<string> found) =>
        throw new DataException($"{file}: missing column '{column}'; columns found: {string.Join(", ", found)}");

    [DoesNotReturn]
    internal static void Malformed(string file, long line, string detail) =>
        throw new DataException($"{file}:{line}: malformed row: {detail}");

    [DoesNotReturn]
    internal static void Config(string source, string message) =>
        throw new DataException($"{source}: {message}");

    [DoesNotReturn]
    internal static void Corrupt(string what, string detail) =>
        throw new DataException($"{what} is not a valid Tandem fitted-state stream: {detail}");

    [DoesNotReturn]
    internal static void FileNotFound(string path, string fix) =>
        throw new DataException($"{path}: file not found; {fix}");

    [DoesNotReturn]
    internal static void Checksum(string path, string expected, string actual) =>
        throw new DataException($"{path}: SHA-256 is {actual}, expected {expected}; the download is corrupt or the file was replaced (delete it to download again)");
}
