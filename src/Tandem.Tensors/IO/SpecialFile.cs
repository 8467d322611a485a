using System.Runtime.InteropServices;

namespace Tandem.IO;

/// <summary>
/// Tells devices, pipes and sockets from regular files without opening them: opening a FIFO blocks
/// until a writer comes, reading <c>/dev/zero</c> never ends, and renaming over <c>/dev/null</c> (as
/// root) replaces the device. Linux only (statx); elsewhere nothing counts as special.
/// </summary>
public static partial class SpecialFile
{
    const int AtCurrentDirectory = -100, StatxType = 1, ModeOffset = 28, TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000;

    /// <summary>Whether <paramref name="path"/> (links followed) exists and is neither a regular file nor a folder.</summary>
    public static unsafe bool Is(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        byte* buffer = stackalloc byte[256]; // struct statx, the same layout on every architecture
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0) return false; // missing or unreadable: the open that follows says why
        }
        catch (EntryPointNotFoundException) { return false; } // a libc before statx
        int type = *(ushort*)(buffer + ModeOffset) & TypeMask;
        return type is not (Regular or Directory);
    }

    /// <summary>Throws a one-line file error if <paramref name="path"/> is a device, pipe or socket.</summary>
    /// <exception cref="TandemFileException">It is one.</exception>
    public static void Reject(string path)
    {
        if (Is(path)) FileThrow.File(path, "not a regular file (a device, pipe or socket); Tandem reads and writes regular files only");
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
