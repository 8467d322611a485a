using Tandem.IO;

using Tandem.Tests;

namespace Tandem.Tensors.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Writes_the_content_and_leaves_only_the_file()
    {
        string path = dir.File("sub/folder/report.md");
        AtomicFile.WriteText(path, "héllo\n");
        Assert.Equal("héllo\n"u8.ToArray(), File.ReadAllBytes(path)); // UTF-8, no byte-order mark
        AtomicFile.WriteBytes(path, new byte[] { 1, 2, 3 });
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_throwing_writer_keeps_the_previous_file_and_leaves_no_temporary()
    {
        string path = dir.File("model.bin");
        AtomicFile.WriteBytes(path, new byte[] { 9, 9 });
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal("writer failed", e.Message);
        Assert.Equal([9, 9], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void An_unwritable_target_is_a_file_error_naming_it()
    {
        File.WriteAllText(dir.File("plain"), "x");
        string path = dir.File("plain/out.txt");
        var e = Assert.Throws<TandemFileException>(() => AtomicFile.WriteText(path, "y"));
        Assert.StartsWith($"{path}: cannot write the file: ", e.Message);
        Assert.Equal(path, e.FilePath);
        Assert.Equal([dir.File("plain")], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Concurrent_writes_to_one_path_never_collide()
    {
        // Sixteen writers race on one path; each file is whole (one writer's bytes), none fails, no temporary is left.
        string path = dir.File("shared.bin");
        var contents = Enumerable.Range(0, 16).Select(i => Enumerable.Repeat((byte)i, 200_000 + i).ToArray()).ToArray();
        Parallel.For(0, contents.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => AtomicFile.WriteBytes(path, contents[i]));
        byte[] final = File.ReadAllBytes(path);
        Assert.Contains(contents, c => c.AsSpan().SequenceEqual(final));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_long_name_is_written_and_a_failure_names_the_target_not_the_temporary()
    {
        // 240 characters: the target fits the 255-byte limit; a temporary holding the whole name would not.
        string path = dir.File(new string('n', 240) + ".idx");
        AtomicFile.WriteText(path, "x");
        Assert.Equal([path], Directory.GetFiles(dir.Path));
        File.WriteAllText(dir.File("plain"), "x");
        var e = Assert.Throws<TandemFileException>(() => AtomicFile.WriteText(dir.File("plain/sub/out.txt"), "y"));
        Assert.DoesNotContain(".tmp", e.Message);
    }

    /// <summary>A temporary file as <see cref="AtomicFile.Write"/> names it, for the process <paramref name="pid"/>, last written <paramref name="age"/> ago.</summary>
    string Temp(string name, int? pid, TimeSpan age)
    {
        string path = dir.File($".{name}.{(pid is null ? "" : pid + ".")}{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(path, new byte[1000]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public void RemoveStale_deletes_what_dead_or_long_idle_writers_left_and_nothing_else()
    {
        var self = System.Diagnostics.Process.GetCurrentProcess();
        int pid = Environment.ProcessId;
        string dead = Temp("model.tandem", 999_999_999, TimeSpan.Zero);            // above any pid_max: no such process
        string reused = Temp("items.idx", pid, DateTime.Now - self.StartTime + TimeSpan.FromMinutes(1)); // written before this process started: the id was reused
        string idle = Temp("checkpoint.tandem", pid, AtomicFile.StaleAfter + TimeSpan.FromMinutes(1));
        string oldScheme = Temp("model.tandem", null, AtomicFile.StaleAfter + TimeSpan.FromMinutes(1));
        string working = Temp("model.tandem", pid, TimeSpan.Zero);                 // this process is writing it
        string recentOldScheme = Temp("items.idx", null, TimeSpan.FromMinutes(5)); // no id: too young to judge
        string[] others = [dir.File("model.tandem"), dir.File(".model.tandem.tmp"), dir.File("notes.tmp"), dir.File(".x.123.nothex.tmp")];
        foreach (string other in others) File.WriteAllText(other, "keep");
        Directory.CreateDirectory(dir.File("sub"));
        string nested = dir.File($"sub/.model.tandem.999999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(nested, "");

        var removed = AtomicFile.RemoveStale(dir.Path);

        Assert.Equal(new[] { dead, reused, idle, oldScheme }.Order(), removed.Order());
        Assert.Equal(others.Append(working).Append(recentOldScheme).Order(), Directory.GetFiles(dir.Path).Order());
        Assert.True(File.Exists(nested)); // subfolders are their owners' business
        Assert.Empty(AtomicFile.RemoveStale(dir.File("absent")));
    }

    [Fact]
    public void Devices_and_pipes_are_neither_replaced_nor_opened()
    {
        if (!OperatingSystem.IsLinux()) return; // statx: Linux only
        string fifo = dir.File("model.tandem");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        Assert.True(SpecialFile.Is(fifo));
        Assert.True(SpecialFile.Is("/dev/null"));
        Assert.False(SpecialFile.Is(dir.Path));
        Assert.False(SpecialFile.Is(dir.File("absent")));
        string expected = "not a regular file (a device, pipe or socket); Tandem reads and writes regular files only";
        // Opening the FIFO would block until a writer came; the reader refuses it at once.
        Assert.Equal($"{fifo}: {expected}", Assert.Throws<TandemFileException>(() => TandemFileReader.Open(fifo, TandemFileKind.Model)).Message);
        Assert.Equal($"{fifo}: {expected}", Assert.Throws<TandemFileException>(() => TandemFileReader.Map(fifo, TandemFileKind.Model)).Message);
        // As root a rename over /dev/null would replace the device with a regular file.
        Assert.Equal($"/dev/null: {expected}", Assert.Throws<TandemFileException>(() => AtomicFile.WriteText("/dev/null", "x")).Message);
        Assert.True(SpecialFile.Is("/dev/null"));
        Assert.Equal([fifo], Directory.GetFileSystemEntries(dir.Path));
    }
}
