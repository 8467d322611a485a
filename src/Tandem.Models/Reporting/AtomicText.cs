using System.Text;

namespace Tandem.Models.Reporting;

/// <summary>Writes a text file (a report, a table) so a reader never sees half of it.</summary>
public static class AtomicText
{
    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to a unique temporary file beside <paramref name="path"/>, then renames it over <paramref name="path"/>; creates the folder if needed.</summary>
    public static void Write(string path, string text)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temp, full, overwrite: true);
    }
}
