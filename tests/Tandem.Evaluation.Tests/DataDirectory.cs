namespace Tandem.Evaluation.Tests;

/// <summary>Where the shared datasets live: <c>TANDEM_DATA</c> if set, else <c>../shared/datasets</c> beside the repository root.</summary>
static class DataDirectory
{
    public static string File(params string[] parts)
    {
        string root = Environment.GetEnvironmentVariable("TANDEM_DATA") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(RepositoryRoot(), "..", "shared", "datasets");
        string path = Path.GetFullPath(Path.Combine([root, .. parts]));
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"Dataset file {path} is missing; set TANDEM_DATA to the directory holding {parts[0]}/.", path);
        return path;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Tandem.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Tandem.sln above {AppContext.BaseDirectory}; set TANDEM_DATA to the datasets directory.");
    }
}
