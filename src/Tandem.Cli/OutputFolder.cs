using Tandem.IO;

namespace Tandem.Cli;

/// <summary>The folder a command writes into.</summary>
static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="dir"/> if missing and deletes the temporary files a crashed earlier run
    /// left in it (<see cref="AtomicFile.RemoveStale"/>), before any long work, so a bad path fails at once.
    /// </summary>
    /// <exception cref="CliException">The path is empty or the folder cannot be created.</exception>
    public static void Prepare(string dir)
    {
        if (string.IsNullOrWhiteSpace(dir)) CliThrow.Input("--out is empty; give the path to write to");
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CliThrow.Input($"{dir}: cannot create the output folder ({e.Message})");
        }
        AtomicFile.RemoveStale(dir);
    }

    /// <summary><see cref="Prepare"/> for the folder of the file <paramref name="path"/>.</summary>
    public static void PrepareFor(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) CliThrow.Input("--out is empty; give the path to write to");
        Prepare(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
