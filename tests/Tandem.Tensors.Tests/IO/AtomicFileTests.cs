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
}
