namespace Tandem.Evaluation.Tests;

/// <summary>The checkout this test runs from.</summary>
static class Repository
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Tandem.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Tandem.sln above {AppContext.BaseDirectory}.");
    }
}
