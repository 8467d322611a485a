using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Tandem.IO;

/// <summary>
/// The one way Tandem writes a file: to a uniquely named temporary file beside the target
/// (<c>.{name}.{pid}.{guid}.tmp</c>: the name, cut to 64 characters, and the writing process's id),
/// flushed to disk, then renamed over the target. An exception while writing leaves the previous file
/// as it was and no temporary file behind; readers see the old file or the new one, never half of one.
/// Two writers of the same path never share a temporary file; the last rename wins. A crash (kill -9,
/// power loss) can leave a temporary file; <see cref="RemoveStale"/> removes those on the next start.
/// </summary>
public static partial class AtomicFile
{
    const int NameChars = 64;

    /// <summary>How long a temporary file of a live process may sit untouched before it counts as abandoned.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Writes <paramref name="path"/> with what <paramref name="write"/> puts in the stream it is given
    /// (a buffered, write-only file stream, positioned at 0 and seekable). Creates the directory if missing.
    /// </summary>
    /// <exception cref="TandemFileException">The file cannot be written (read-only directory, full disk, …; the inner exception says why), or the path is a device, pipe or socket.</exception>
    /// <remarks>Exceptions thrown by <paramref name="write"/> other than I/O errors propagate unchanged, after the temporary file is deleted.</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        string temp = Path.Combine(directory, $".{name[..Math.Min(name.Length, NameChars)]}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        SpecialFile.Reject(full); // a rename over /dev/null would replace the device
        try
        {
            Directory.CreateDirectory(directory);
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // The temporary file is ours, not the user's: errors name the target and its folder.
            if (e is DirectoryNotFoundException) FileThrow.File(path, $"cannot write the file: the folder {directory} does not exist and cannot be created", e);
            if (e is IOException or UnauthorizedAccessException) FileThrow.File(path, $"cannot write the file: {e.Message.Replace(temp, directory)}", e);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="TandemFileException">The file cannot be written.</exception>
    public static void WriteBytes(string path, ReadOnlyMemory<byte> bytes) => Write(path, s => s.Write(bytes.Span));

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically as UTF-8 without a byte-order mark.</summary>
    /// <exception cref="TandemFileException">The file cannot be written.</exception>
    public static void WriteText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
            writer.Write(text);
        });
    }

    /// <summary>
    /// Deletes the temporary files that crashed writers left in <paramref name="directory"/> (not its
    /// subfolders): only names of <see cref="Write"/>'s pattern, and of those only the ones whose writer
    /// is gone (no process with its id, or one started after the file was last written, i.e. the id was
    /// reused) or that nobody touched for <see cref="StaleAfter"/>. Temporary files of writers still at
    /// work are kept. Returns the paths deleted; a missing directory has none. Safe to call from several
    /// processes at once (a file another one deleted first is skipped).
    /// </summary>
    public static IReadOnlyList<string> RemoveStale(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var removed = new List<string>();
        if (!Directory.Exists(directory)) return removed;
        foreach (string file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            var match = TempName().Match(Path.GetFileName(file));
            if (!match.Success) continue;
            DateTime written;
            try { written = File.GetLastWriteTimeUtc(file); } catch (IOException) { continue; }
            bool abandoned = DateTime.UtcNow - written > StaleAfter;
            // A name without a process id is from a version that did not record it: only its age tells.
            bool writerGone = match.Groups["pid"].Success && !Running(int.Parse(match.Groups["pid"].ValueSpan, CultureInfo.InvariantCulture), written);
            if (!abandoned && !writerGone) continue;
            try
            {
                File.Delete(file);
                removed.Add(file);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>Whether a process with id <paramref name="pid"/> runs that may have written a file last touched at <paramref name="written"/>.</summary>
    static bool Running(int pid, DateTime written)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // Start times are read at a coarse tick; a second's slack never mistakes the writer for a newcomer.
            return process.StartTime.ToUniversalTime() <= written + TimeSpan.FromSeconds(1);
        }
        catch (ArgumentException) { return false; }          // no such process
        catch (InvalidOperationException) { return false; }  // it exited while we looked
        catch (System.ComponentModel.Win32Exception) { return true; } // not ours to inspect: assume it works
    }

    [GeneratedRegex(@"^\..+?\.(?:(?<pid>\d{1,9})\.)?[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();
}
