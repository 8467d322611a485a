using Tandem.IO;

namespace Tandem.Cli;

/// <summary>The folder a command writes into.</summary>
static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="dir"/> if missing and deletes the temporary files a crashed earlier run
    /// left in it (<see cref="AtomicFile.RemoveStale"/>), before any work, so a bad path fails at once.
    /// </summary>
    public static void Prepare(string dir)
    {
        Directory.CreateDirectory(dir);
        AtomicFile.RemoveStale(dir);
    }

    /// <summary><see cref="Prepare"/> for the folder of the file <paramref name="path"/>.</summary>
    public static void PrepareFor(string path) => Prepare(Path.GetDirectoryName(Path.GetFullPath(path))!);
}
