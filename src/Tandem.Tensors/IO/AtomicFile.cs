namespace Tandem.IO;

/// <summary>
/// The one way Tandem writes a file: to a uniquely named temporary file beside the target
/// (<c>.{name}.{guid}.tmp</c>), flushed to disk, then renamed over the target. A crash or an
/// exception while writing leaves the previous file as it was and no temporary file behind;
/// readers see the old file or the new one, never half of one. Two writers of the same path
/// never share a temporary file; the last rename wins.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> with what <paramref name="write"/> puts in the stream it is given
    /// (a buffered, write-only file stream, positioned at 0 and seekable). Creates the directory if missing.
    /// </summary>
    /// <exception cref="TandemFileException">The file cannot be written (read-only directory, full disk, …); the inner exception says why.</exception>
    /// <remarks>Exceptions thrown by <paramref name="write"/> other than I/O errors propagate unchanged, after the temporary file is deleted.</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
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
            if (e is IOException or UnauthorizedAccessException) FileThrow.File(path, $"cannot write the file: {e.Message}", e);
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
}
