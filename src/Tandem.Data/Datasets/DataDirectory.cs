namespace Tandem.Data.Datasets;

/// <summary>Where named datasets are looked for before any download.</summary>
public static class DataDirectory
{
    /// <summary>
    /// The given folder, else null when <c>TANDEM_DATA</c> is set (the fetcher reads it), else
    /// <c>../shared/datasets</c> beside a source checkout (a folder holding <c>Tandem.sln</c> above the
    /// running program) if it exists, else null (the download cache).
    /// </summary>
    public static string? Resolve(string? dataDir)
    {
        if (dataDir is { Length: > 0 }) return Path.GetFullPath(dataDir);
        if (Environment.GetEnvironmentVariable("TANDEM_DATA") is { Length: > 0 }) return null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tandem.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets"));
                return Directory.Exists(shared) ? shared : null;
            }
        return null;
    }
}
