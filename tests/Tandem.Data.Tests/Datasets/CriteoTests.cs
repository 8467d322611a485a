using Tandem.Tests;
using Tandem.Data.Datasets;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.Datasets;

public class CriteoTests
{
    [Fact]
    public void SampleWithHeaderLoads()
    {
        var log = NamedDataset.Find("criteo-10k").Load(SharedData.Root);
        string path = Path.Combine(SharedData.Root, "criteo-10k", "criteo_sampled_data_10k.csv");
        int lines = File.ReadLines(path).Count();
        Assert.Equal(lines - 1, log.Count);
        Assert.All(log.Labels!, y => Assert.True(y is 0f or 1f));
        Assert.Contains(1f, log.Labels!);
        // First data row: 0,1.0,1,5.0,0.0,1382.0,4.0,15.0,2.0,181.0,1.0,2.0,,2.0,68fd1e64,...
        Assert.Equal(1382.0, log.Interactions.Get<NumberColumn>("I5").Values[0]);
        Assert.True(double.IsNaN(log.Interactions.Get<NumberColumn>("I12").Values[0]));
        var c1 = log.Interactions.Get<KeyColumn>("C1");
        Assert.Equal("68fd1e64", c1.Keys[c1.Codes[0]]);
    }

    [Fact]
    public void OriginalTabSeparatedFormatReadsTheSameValues()
    {
        string csv = Path.Combine(SharedData.Root, "criteo-10k", "criteo_sampled_data_10k.csv");
        var lines = File.ReadLines(csv).Skip(1).Take(200).ToArray();
        // The original format: no header, tabs; the sample has no quoted fields, so commas map to tabs.
        string tsv = TestData.File("train.txt", string.Join("\n", lines.Select(l => l.Replace(',', '\t'))) + "\n");
        string headed = TestData.File("sample.csv", File.ReadLines(csv).First() + "\n" + string.Join("\n", lines) + "\n");
        var a = Criteo.Load(tsv);
        var b = Criteo.Load(headed);
        Assert.Equal(200, a.Count);
        Assert.Equal(b.Labels, a.Labels);
        for (int i = 1; i <= 13; i++)
            Assert.Equal(b.Interactions.Get<NumberColumn>($"I{i}").Values.ToArray(), a.Interactions.Get<NumberColumn>($"I{i}").Values.ToArray());
        for (int i = 1; i <= 26; i++)
        {
            var ca = a.Interactions.Get<KeyColumn>($"C{i}");
            var cb = b.Interactions.Get<KeyColumn>($"C{i}");
            Assert.Equal(cb.Codes.ToArray().Select(c => cb.Keys[c]), ca.Codes.ToArray().Select(c => ca.Keys[c]));
        }
    }

    [Fact]
    public void Criteo10kIsLocalOnlyAndItsSchemaNamesTheFile()
    {
        var criteo = NamedDataset.Find("criteo-10k");
        Assert.Null(criteo.Source.Url);
        var e = Assert.Throws<DataException>(() => DatasetFetcher.Download(criteo.Source, null, TestData.TempDir()));
        Assert.Equal("criteo-10k has no public download; put it in criteo-10k/ under --data-dir or TANDEM_DATA", e.Message);
        var schema = criteo.Schema(SharedData.Root);
        Assert.Equal(Path.Combine(SharedData.Root, "criteo-10k", "criteo_sampled_data_10k.csv"), schema.Files.Interactions!.Path);
        Assert.Equal("label", schema.Interactions.Label);
        Assert.Equal(39, schema.Features.Count);
        Assert.Empty(criteo.DisplayColumns);
    }

    [Fact]
    public void ShortRowInOriginalFormatIsAnError()
    {
        string tsv = TestData.File("train.txt", "0\t1\t2\n");
        var e = Assert.Throws<DataException>(() => Criteo.Load(tsv));
        Assert.Equal($"{tsv}:1: expected 40 fields, found 3", e.Message);
    }

    [Fact]
    public void SampleEncodesIntoCtrBatches()
    {
        var log = NamedDataset.Find("criteo-10k").Load(SharedData.Root, Criteo.DefaultSchema(minCount: 5));
        var train = Enumerable.Range(0, 8000).ToArray();
        var data = Tandem.Data.Encoders.FittedFeatures.Fit(log, train).Encode(log, train);
        using var batcher = new Tandem.Data.Batching.Batcher(data, Enumerable.Range(8000, log.Count - 8000).ToArray(), new() { BatchSize = 512 });
        int seen = 0;
        foreach (var batch in batcher.Epoch(0))
        {
            Assert.Equal(batch.Rows[..batch.Count].Select(r => log.Labels![r]), batch.Labels.Span.ToArray());
            for (int c = 1; c <= 26; c++)
            {
                var f = batch[$"C{c}"];
                Assert.All(f.Ids[..batch.Count], id => Assert.InRange(id, 0, f.Cardinality - 1));
            }
            for (int i = 1; i <= 13; i++)
                Assert.All(batch[$"I{i}"].Values!.Span.ToArray(), v => Assert.True(float.IsFinite(v) && v >= 0)); // log1p of clamped values
            seen += batch.Count;
        }
        Assert.Equal(log.Count - 8000, seen);
    }
}
