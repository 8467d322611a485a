using Tandem.Tests;
using System.IO.Compression;
using Tandem.Data.Datasets;

namespace Tandem.Data.Tests.Datasets;

public class DatasetFetcherTests
{
    static byte[] Zip(string folder, params (string Name, string Text)[] files)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in files)
                using (var w = new StreamWriter(zip.CreateEntry($"{folder}/{name}").Open()))
                    w.Write(text);
        return stream.ToArray();
    }

    const string Ratings = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n";

    [Fact]
    public void DownloadsChecksUnpacksAndCaches()
    {
        string cache = TestData.TempDir();
        string ratingsSha = Sha(Ratings);
        var info = new DatasetInfo("ml-test", "https://files.example.org/ml-test.zip", null, [("ratings.csv", ratingsSha), ("movies.csv", null)]);
        var server = new FakeServer(Zip("ml-test", ("ratings.csv", Ratings), ("movies.csv", "movieId,title,genres\n")));
        using var http = new HttpClient(server);
        string dir = DatasetFetcher.Download(info, http, cache);
        Assert.Equal(Path.Combine(cache, "ml-test"), dir);
        Assert.Equal(Ratings, File.ReadAllText(Path.Combine(dir, "ratings.csv")));
        // The archive's hash was recorded on first download, and is checked from then on.
        string recorded = File.ReadAllText(Path.Combine(cache, "ml-test.zip.sha256")).Trim();
        Assert.Equal(DatasetFetcher.Sha256(Path.Combine(cache, "ml-test.zip")), recorded);
        DatasetFetcher.Download(info, http, cache);
        Assert.Single(server.Requests); // the cached archive is reused
    }

    [Fact]
    public void ArchiveWithTheWrongHashIsRejected()
    {
        string cache = TestData.TempDir();
        var info = new DatasetInfo("ml-test", "https://files.example.org/ml-test.zip", new string('0', 64), [("ratings.csv", null)]);
        using var http = new HttpClient(new FakeServer(Zip("ml-test", ("ratings.csv", Ratings))));
        var e = Assert.Throws<DataException>(() => DatasetFetcher.Download(info, http, cache));
        string archive = Path.Combine(cache, "ml-test.zip");
        Assert.Equal($"{archive}: SHA-256 is {DatasetFetcher.Sha256(archive)}, expected {new string('0', 64)}; the download is corrupt or the file was replaced (delete it to download again)", e.Message);
        Assert.False(Directory.Exists(Path.Combine(cache, "ml-test")));
    }

    [Fact]
    public void UnpackedFileWithTheWrongHashIsRejected()
    {
        string cache = TestData.TempDir();
        string expected = Sha(Ratings); // the file as published; the archive serves a tampered copy
        var info = new DatasetInfo("ml-test", "https://files.example.org/ml-test.zip", null, [("ratings.csv", expected)]);
        using var http = new HttpClient(new FakeServer(Zip("ml-test", ("ratings.csv", Ratings + "tampered\n"))));
        var e = Assert.Throws<DataException>(() => DatasetFetcher.Download(info, http, cache));
        string file = Path.Combine(cache, "ml-test", "ratings.csv");
        Assert.Equal($"{file}: SHA-256 is {DatasetFetcher.Sha256(file)}, expected {expected}; the download is corrupt or the file was replaced (delete it to download again)", e.Message);
    }

    [Fact]
    public void LocalDataDirectoryIsLookedAtFirst()
    {
        var server = new FakeServer([]);
        using var http = new HttpClient(server);
        string dir = DatasetFetcher.Locate(NamedDataset.Find("ml-latest-small").Source, SharedData.Root, http, TestData.TempDir());
        Assert.Equal(Path.Combine(SharedData.Root, "ml-latest-small"), dir);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void GeneratedFileChecksumMatchesItsKnownValue()
    {
        // SHA-256("abc") from FIPS 180-2, appendix B.1.
        string path = TestData.File("abc.txt", "abc");
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", DatasetFetcher.Sha256(path));
        DatasetFetcher.Verify(path, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
        var e = Assert.Throws<DataException>(() => DatasetFetcher.Verify(path, new string('a', 64)));
        Assert.StartsWith($"{path}: SHA-256 is ba7816bf", e.Message);
    }

    static string Sha(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>A network that is down: every request fails as a refused connection does.</summary>
    sealed class Unreachable : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused (files.example.org:443)");
    }

    [Fact]
    public void FailedDownloadSaysWhereItLookedAndLeavesNoCacheFolder()
    {
        string cache = Path.Combine(TestData.TempDir(), "tandem");
        string data = TestData.TempDir();
        var info = new DatasetInfo("ml-test", "https://files.example.org/ml-test.zip", null, [("ratings.csv", null)]);
        using var http = new HttpClient(new Unreachable());
        var e = Assert.Throws<DataException>(() => DatasetFetcher.Locate(info, data, http, cache));
        Assert.StartsWith($"ml-test is not in {Path.Combine(data, "ml-test")}, ", e.Message);
        Assert.Contains("https://files.example.org/ml-test.zip: download failed (Connection refused (files.example.org:443)); put the dataset in", e.Message);
        Assert.False(Directory.Exists(cache));
    }
}
