using Tandem.Tests;
using System.Formats.Tar;
using System.IO.Compression;
using Tandem.Data.Datasets;

namespace Tandem.Data.Tests.Datasets;

/// <summary>Criteo's public sample (dac_sample.tar.gz): where it is fetched from, how it unpacks, and the local copy first. No network.</summary>
public class CriteoSampleTests
{
    /// <summary>The first 200 rows of the shared criteo-10k sample in the original format (tabs, no header).</summary>
    static string OriginalFormat() =>
        string.Join("\n", File.ReadLines(Path.Combine(SharedData.Root, "criteo-10k", "criteo_sampled_data_10k.csv")).Skip(1).Take(200).Select(l => l.Replace(',', '\t'))) + "\n";

    /// <summary>A .tar.gz of loose files, as Criteo ships dac_sample.tar.gz (dac_sample.txt at the top, no folder).</summary>
    static byte[] TarGz(string name, string text)
    {
        var file = Path.Combine(TestData.TempDir(), name);
        File.WriteAllText(file, text);
        var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
            tar.WriteEntry(file, name);
        return stream.ToArray();
    }

    [Fact]
    public void DownloadsFromCriteoAndLoadsTheOriginalFormat()
    {
        var server = new FakeServer(TarGz("dac_sample.txt", OriginalFormat()));
        using var http = new HttpClient(server);
        var criteo = NamedDataset.Find("criteo");
        string dir = DatasetFetcher.Download(criteo.Source, http, TestData.TempDir());
        Assert.Equal([new Uri("https://labs.criteo.com/wp-content/uploads/2015/04/dac_sample.tar.gz")], server.Requests);
        // Found where it was unpacked (the cache folder is a data folder like any other), so no second request.
        var log = criteo.Load(Path.GetDirectoryName(dir), http: http);
        Assert.Single(server.Requests);
        Assert.Equal(200, log.Count);
        // Same rows as the shared header+comma copy: the labels agree one by one.
        Assert.Equal(NamedDataset.Find("criteo-10k").Load(SharedData.Root).Labels!.Take(200), log.Labels!);
    }

    [Fact]
    public void ALocalCopyIsUsedWithoutDownloading()
    {
        string data = TestData.TempDir();
        Directory.CreateDirectory(Path.Combine(data, "criteo"));
        File.WriteAllText(Path.Combine(data, "criteo", "dac_sample.txt"), OriginalFormat());
        var server = new FakeServer([]);
        using var http = new HttpClient(server);
        var criteo = NamedDataset.Find("criteo");
        var log = criteo.Load(data, http: http);
        Assert.Equal(200, log.Count);
        Assert.Empty(server.Requests);
        var file = criteo.Files(data).Interactions!;
        Assert.False(file.Header);
        Assert.Equal(Criteo.Columns, file.Columns);
        Assert.Equal("\t", file.Separator);
    }
}
