namespace Tandem.Data.Tests;

/// <summary>Scratch files the tests write (the shared datasets: <see cref="Tandem.Tests.SharedData"/>).</summary>
static class TestData
{
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
