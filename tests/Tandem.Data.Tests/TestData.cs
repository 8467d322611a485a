namespace Tandem.Data.Tests;

/// <summary>Where the shared datasets are, and scratch files the tests write.</summary>
static class TestData
{
    /// <summary>TANDEM_DATA, else ../shared/datasets beside the repository root (the folder holding Tandem.sln).</summary>
    public static string Datasets { get; } = Environment.GetEnvironmentVariable("TANDEM_DATA") is { Length: > 0 } env ? env : FindDatasets();

    static string FindDatasets()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Tandem.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Tandem.sln not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets"));
    }

    /// <summary>A new empty folder under the temp directory.</summary>
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tandem-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes <paramref name="text"/> to a new file named <paramref name="name"/> and returns its path.</summary>
    public static string File(string name, string text)
    {
        string path = Path.Combine(TempDir(), name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }
}
