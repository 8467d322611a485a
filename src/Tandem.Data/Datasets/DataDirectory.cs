namespace Tandem.Data.Datasets;

/// <summary>Where named datasets are looked for before any download.</summary>
public static class DataDirectory
{
    /// <summary>
    /// The one rule the CLI, the service and the tests share: the given folder, else <c>TANDEM_DATA</c>,
    /// else <c>../shared/datasets</c> beside a source checkout (a folder holding <c>Tandem.sln</c> above the
    /// running program) if it exists, else null (only the download cache is left). Always a full path or null.
    /// </summary>
    /// <exception cref="DataException">The given folder does not exist (a typo must not turn into a download).</exception>
    public static string? Resolve(string? dataDir) =>
        Resolve(dataDir, Environment.GetEnvironmentVariable("TANDEM_DATA"), AppContext.BaseDirectory);

    /// <summary><see cref="Resolve(string?)"/> with the environment variable's value and the program's folder given.</summary>
    internal static string? Resolve(string? dataDir, string? environment, string programDirectory)
    {
        if (dataDir is { Length: > 0 })
        {
            if (!Directory.Exists(dataDir)) DataThrow.Data($"{dataDir}: data directory not found; pass the folder holding the datasets' folders (ml-latest-small/, …)");
            return Path.GetFullPath(dataDir);
        }
        if (environment is { Length: > 0 }) return Path.GetFullPath(environment);
        for (var dir = new DirectoryInfo(programDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tandem.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets"));
                return Directory.Exists(shared) ? shared : null;
            }
        return null;
    }
}
