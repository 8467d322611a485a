using static Tandem.Cli.Tests.CliRun;
using Tandem.Retrieval.Formats;

namespace Tandem.Cli.Tests;

public sealed class IndexCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string File(string name) => Path.Combine(directory, name);

    string WriteVectors(string name, int rows, int seed)
    {
        var random = new Random(seed);
        var data = new float[rows * 8];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextSingle() * 2 - 1;
        VectorFile.Write(File(name), new VectorSet(data, rows, 8));
        return File(name);
    }

    [Theory]
    [InlineData("Flat")]
    [InlineData("HNSW16")]
    [InlineData("IVF4,Flat")]
    public void BuildThenSearchFindsEachItemItself(string spec)
    {
        string items = WriteVectors("items.npy", 300, 1);
        var (code, output, error) = Run("index", "build", "--vectors", items, "--spec", spec, "--out", File("items.idx"));
        Assert.True(code == 0, error);
        Assert.Contains($"Built {spec} over 300 8-d vectors", output);
        // Querying with the first items themselves under L2 would return them first; with inner product we check the format.
        (code, output, error) = Run("index", "search", "--index", File("items.idx"), "--queries", items, "--k", "2", "--nprobe", "4");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("query\trank\tid\tscore", lines[0]);
        Assert.Equal(1 + 300 * 2, lines.Length);
        (code, output, error) = Run("index", "bench", "--index", File("items.idx"), "--queries", items, "--vectors", items, "--ef", "32", "--nprobe", "4");
        Assert.True(code == 0, error);
        Assert.Contains("recall@10", output);
    }

    [Fact]
    public void L2SearchReturnsTheQueryItself()
    {
        string items = WriteVectors("items.npy", 200, 2);
        Assert.Equal(0, Run("index", "build", "--vectors", items, "--spec", "Flat", "--metric", "l2", "--out", File("l2.idx")).Code);
        var (_, output, _) = Run("index", "search", "--index", File("l2.idx"), "--queries", items, "--k", "1");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.All(lines, fields => Assert.Equal(fields[0], fields[2]));
    }

    [Theory]
    [InlineData(1, "Cannot parse index spec \"IVF12\"", "index", "build", "--vectors", "ITEMS", "--spec", "IVF12", "--out", "OUT")]
    [InlineData(1, "no such vector file", "index", "build", "--vectors", "MISSING", "--spec", "Flat", "--out", "OUT")]
    [InlineData(2, "--spec", "index", "build", "--vectors", "ITEMS", "--out", "OUT")]
    [InlineData(2, "--metric 'cos2'", "index", "build", "--vectors", "ITEMS", "--spec", "Flat", "--out", "OUT", "--metric", "cos2")]
    [InlineData(1, "missing.npy: file not found; check the path", "index", "search", "--index", "MISSING", "--queries", "ITEMS")]
    [InlineData(1, "--ef: 'x' is not a positive whole number", "index", "bench", "--index", "INDEX", "--queries", "ITEMS", "--vectors", "ITEMS", "--ef", "8,x")]
    [InlineData(1, "--k must be positive, got 0", "index", "bench", "--index", "INDEX", "--queries", "ITEMS", "--vectors", "ITEMS", "--k", "0")]
    [InlineData(1, "queries are 3-d, but the index holds 8-d vectors", "index", "search", "--index", "INDEX", "--queries", "SMALL")]
    [InlineData(1, "IVF4 needs at least 4 training vectors, got 2", "index", "build", "--vectors", "ITEMS", "--spec", "IVF4,Flat", "--out", "OUT", "--train-size", "2")]
    public void BadInputIsOneLineAndNonZeroExit(int expectedCode, string expected, params string[] args)
    {
        string items = WriteVectors("items.npy", 50, 3);
        VectorFile.Write(File("small.npy"), new VectorSet(new float[6], 2, 3));
        Assert.Equal(0, Run("index", "build", "--vectors", items, "--spec", "HNSW8", "--out", File("built.idx")).Code);
        var resolved = args.Select(a => a switch
        {
            "ITEMS" => items, "OUT" => File("out.idx"), "MISSING" => File("missing.npy"), "INDEX" => File("built.idx"), "SMALL" => File("small.npy"), _ => a,
        }).ToArray();
        var (code, _, error) = Run(resolved);
        Assert.Equal(expectedCode, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tandem: ", error);
    }

    [Fact]
    public void CorruptIndexIsOneLine()
    {
        string items = WriteVectors("items.npy", 50, 4);
        Assert.Equal(0, Run("index", "build", "--vectors", items, "--spec", "Flat", "--out", File("a.idx")).Code);
        var bytes = System.IO.File.ReadAllBytes(File("a.idx"));
        bytes[100] ^= 1;
        System.IO.File.WriteAllBytes(File("a.idx"), bytes);
        var (code, _, error) = Run("index", "search", "--index", File("a.idx"), "--queries", items);
        Assert.Equal(1, code);
        Assert.Contains("checksum mismatch", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void SearchWithAHugeKReturnsEveryItemOnceAndBenchToo()
    {
        string items = WriteVectors("items.npy", 40, 5);
        Assert.Equal(0, Run("index", "build", "--vectors", items, "--spec", "Flat", "--out", File("k.idx")).Code);
        var (code, output, error) = Run("index", "search", "--index", File("k.idx"), "--queries", items, "--k", "1000000000");
        Assert.True(code == 0, error);
        Assert.Equal(1 + 40 * 40, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        (code, _, error) = Run("index", "bench", "--index", File("k.idx"), "--queries", items, "--vectors", items, "--k", "2000000000");
        Assert.True(code == 0, error);
    }

    [Fact]
    public void BuildCreatesAMissingFolderAndAnUnwritableOneIsNamedWithoutTheTemporary()
    {
        string items = WriteVectors("items.npy", 30, 6);
        var (code, output, error) = Run("index", "build", "--vectors", items, "--spec", "Flat", "--out", File("new/folder/items.idx"));
        Assert.True(code == 0, error);
        Assert.True(System.IO.File.Exists(File("new/folder/items.idx")), output);
        // A file where a folder should be: one line about the path, never Tandem's temporary file.
        System.IO.File.WriteAllText(File("plain"), "x");
        (code, _, error) = Run("index", "build", "--vectors", items, "--spec", "Flat", "--out", File("plain/items.idx"));
        Assert.Equal(1, code);
        Assert.StartsWith("tandem: ", error);
        Assert.Contains(File("plain"), error);
        Assert.DoesNotContain(".tmp", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void BuildRemovesTemporaryFilesACrashedBuildLeft()
    {
        string items = WriteVectors("items.npy", 30, 7);
        string stale = File($".items.idx.999999999.{Guid.NewGuid():N}.tmp"), live = File($".items.idx.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        System.IO.File.WriteAllBytes(stale, new byte[4096]);
        System.IO.File.WriteAllBytes(live, new byte[4096]);
        Assert.Equal(0, Run("index", "build", "--vectors", items, "--spec", "Flat", "--out", File("items.idx")).Code);
        Assert.False(System.IO.File.Exists(stale));
        Assert.True(System.IO.File.Exists(live)); // a writer still at work (this process) keeps its file
    }
}
