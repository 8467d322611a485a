using Tandem.Serving.Api;

namespace Tandem.Serving;

/// <summary>
/// Where model files may be reloaded from, and the checks a file passes before it is opened for
/// loading: inside the directory (decided on the path alone, so a path outside it learns nothing
/// about the file system, symbolic links followed to their target), a regular non-empty file (a
/// pipe, a device or a <c>/proc</c> file reports no size), and openable within a time limit (a
/// file swapped for a pipe after the check cannot hang the reload). Errors never quote a file's
/// content. Thread-safe (immutable).
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>Longest wait for a model file to open.</summary>
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Reloads read model files under <paramref name="path"/> only.</summary>
    /// <exception cref="TandemException">The directory does not exist.</exception>
    public ModelDirectory(string path)
    {
        Path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (!Directory.Exists(Path)) throw new TandemException($"--model-dir {path}: directory not found; reloads read model files from an existing directory");
    }

    /// <summary>The directory, as a full path.</summary>
    public string Path { get; }

    /// <summary>The full path of the model file a reload request names (relative paths are taken from the directory), checked for loading.</summary>
    /// <exception cref="RequestException">The path is outside the directory, a directory, missing, not a regular file, or cannot be opened in time.</exception>
    public async Task<string> ResolveAsync(string requested)
    {
        if (requested.Length == 0 || requested.Contains('\0')) RequestThrow.Field("model", "is not a file path");
        string full = System.IO.Path.GetFullPath(requested, Path);
        if (!Inside(full)) RequestThrow.Field("model", $"'{requested}' is outside the model directory {Path}; reloads read model files from there only (--model-dir)");
        var info = new FileInfo(full);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target && !Inside(target.FullName))
            RequestThrow.Field("model", $"'{requested}' links outside the model directory {Path}; reloads read model files from there only (--model-dir)");
        if (Directory.Exists(full)) RequestThrow.Field("model", $"'{requested}' is a directory; name a model file in it (e.g. {System.IO.Path.Combine(requested, "model.tandem")})");
        if (!info.Exists) RequestThrow.Field("model", $"'{requested}': no such file in the model directory {Path}");
        await CheckFileAsync(full, requested);
        return full;
    }

    /// <summary>Checks that <paramref name="path"/> is a non-empty regular file that opens within <see cref="OpenTimeout"/>; <paramref name="shown"/> is how errors name it.</summary>
    /// <exception cref="RequestException">It is not.</exception>
    public static async Task CheckFileAsync(string path, string shown)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0) RequestThrow.Field("model", $"'{shown}' is not a model file (a regular, non-empty file)");
        // Opened on a pool thread: opening a pipe blocks until a writer comes, and that wait must not hold the reload.
        var open = Task.Run(() => File.OpenHandle(path).Dispose());
        try { await open.WaitAsync(OpenTimeout); }
        catch (TimeoutException) { RequestThrow.Field("model", $"'{shown}' could not be opened within {OpenTimeout.TotalSeconds:0} s"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { RequestThrow.Field("model", $"'{shown}' cannot be read by the service"); }
    }

    bool Inside(string full) => full.StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
