using Tandem.Tests;
using Tandem.Data.Datasets;
using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.Datasets;

public class ClickLabelTests
{
    static readonly string Header = File.ReadLines(Path.Combine(SharedData.Root, "criteo-10k", "criteo_sampled_data_10k.csv")).First();
    static readonly string[] Rows = File.ReadLines(Path.Combine(SharedData.Root, "criteo-10k", "criteo_sampled_data_10k.csv")).Skip(1).Take(5).ToArray();

    [Fact]
    public void ALabelThatIsNot01NamesFileLineAndColumn()
    {
        var rows = Rows.ToArray();
        rows[2] = "2" + rows[2][1..];
        string path = TestData.File("bad.csv", Header + "\n" + string.Join("\n", rows) + "\n");
        var e = Assert.Throws<DataException>(() => Criteo.Load(path));
        // Line 4: the header, then data rows 1 and 2, then the bad one.
        Assert.Equal($"{path}:4: column 'label': expected a click label, 0 or 1, found \"2\"", e.Message);
    }

    [Fact]
    public void AnEmptyLabelIsAnErrorAndBadLabelsCanBeSkipped()
    {
        var rows = Rows.ToArray();
        rows[0] = rows[0][1..];
        rows[4] = "0.5" + rows[4][1..];
        string path = TestData.File("bad.csv", Header + "\n" + string.Join("\n", rows) + "\n");
        var e = Assert.Throws<DataException>(() => Criteo.Load(path));
        Assert.Equal($"{path}:2: column 'label': expected a click label, 0 or 1, found \"\"", e.Message);
        var report = new ReadReport();
        var log = Criteo.Load(path, options: new ReadOptions { SkipBadRows = true }, report: report);
        Assert.Equal(3, log.Count);
        Assert.Equal(2, report.RowsSkipped);
    }

    [Fact]
    public void AMissingLabelColumnNamesTheFileAndTheColumn()
    {
        string path = TestData.File("nolabel.csv", Header.Replace("label,", "clicked,") + "\n" + string.Join("\n", Rows) + "\n");
        var e = Assert.Throws<DataException>(() => InteractionLog.Load(Criteo.DefaultSchema(), new DataFile(path) { Separator = "," }));
        Assert.StartsWith($"{path}: missing column 'label'; columns found: clicked, I1,", e.Message);
    }

    [Theory]
    // x ≤ 2: floor(x); x > 2: floor(ln(x)²): ln 3 = 1.0986 → 1.2069 → 1; ln 1382 = 7.2313 → 52.29 → 52.
    [InlineData(-1.0, -1)]
    [InlineData(0.0, 0)]
    [InlineData(2.0, 2)]
    [InlineData(3.0, 1)]
    [InlineData(1382.0, 52)]
    public void LogSquaredFollowsTheCriteoWinnersBucketing(double x, int expected) =>
        Assert.Equal(expected, NumericEncoder.LogSquared(x));

    [Fact]
    public void LogSquaredBucketsAreIdsOfTheTrainingRangeOnCriteo()
    {
        var schema = Criteo.DefaultSchema(minCount: 2, numeric: NumericTransform.LogSquared);
        var log = NamedDataset.Find("criteo-10k").Load(SharedData.Root, schema);
        int[] train = Enumerable.Range(0, log.Count / 2).ToArray();
        var fitted = FittedFeatures.Fit(log, train);
        var i5 = (NumericEncoder)fitted["I5"];
        Assert.Equal(NumericEncoder.LogSquared(i5.Max) - NumericEncoder.LogSquared(i5.Min) + 2, i5.Cardinality);
        var data = fitted.Encode(log, train);
        using var batch = data.CreateBatch();
        data.Fill(batch, Enumerable.Range(0, log.Count).ToArray());
        var ids = batch["I5"].Ids.AsSpan(0, log.Count).ToArray();
        Assert.All(ids, id => Assert.InRange(id, 1, i5.Cardinality - 1));
        // Row 0's I5 is 1382: bucket 52, offset by the training minimum's bucket.
        Assert.Equal(1 + 52 - NumericEncoder.LogSquared(i5.Min), ids[0]);
        // A missing I12 takes the training mean's bucket.
        Assert.Equal(((NumericEncoder)fitted["I12"]).Bucket(((NumericEncoder)fitted["I12"]).Mean), batch["I12"].Ids[0]);
    }

    [Fact]
    public void ASchemaFileDeclaresLogSquaredAndItRoundTrips()
    {
        var schema = SchemaJson.Parse("""
            { "interactions": { "label": "label" },
              "features": [ { "name": "I5", "kind": "numeric", "transform": "log_squared", "missing": "impute_mean" } ] }
            """);
        Assert.Equal(NumericTransform.LogSquared, schema["I5"].Transform);
        Assert.Equal(NumericTransform.LogSquared, SchemaJson.Parse(SchemaJson.Write(schema))["I5"].Transform);
    }
}
