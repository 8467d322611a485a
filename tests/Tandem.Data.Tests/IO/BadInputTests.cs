using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.IO;

public class BadInputTests
{
    static readonly FeatureSchema Ratings = new SchemaBuilder()
        .Interactions(user: "user", item: "item", timestamp: "ts", rating: "rating")
        .Id("user", "user", Tower.User).Id("item", "item", Tower.Item)
        .Build();

    static InteractionLog Load(string path, ReadOptions options = default, ReadReport? report = null) =>
        InteractionLog.Load(Ratings, path, options: options, report: report);

    [Fact]
    public void MalformedNumberNamesFileLineColumnAndValue()
    {
        string path = TestData.File("r.csv", "user,item,rating,ts\n1,10,4.5,100\n2,11,abc,200\n");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}:3: column 'rating': expected a number, found \"abc\"", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    public void NonFiniteNumberIsRejectedWithItsLocation(string value)
    {
        string path = TestData.File("r.csv", $"user,item,rating,ts\n1,10,4.5,100\n1,11,2,200\n2,12,{value},300\n");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}:4: column 'rating': expected a finite number, found \"{value}\"", e.Message);
    }

    [Fact]
    public void MissingRequiredValueIsAnError()
    {
        string path = TestData.File("r.csv", "user,item,rating,ts\n1,10,,100\n");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}:2: column 'rating': expected a number, found \"\"", e.Message);
    }

    [Fact]
    public void MissingColumnIsNamedWithTheColumnsFound()
    {
        string path = TestData.File("r.csv", "user,item,score,ts\n1,10,4.5,100\n");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}: missing column 'rating'; columns found: user, item, score, ts", e.Message);
    }

    [Fact]
    public void RowWithTooFewFieldsIsAnError()
    {
        string path = TestData.File("r.csv", "user,item,rating,ts\n1,10,4.5,100\n2,11,3\n");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}:3: expected 4 fields, found 3", e.Message);
    }

    [Fact]
    public void SkipBadRowsCountsAndReportsThem()
    {
        string path = TestData.File("r.csv", "user,item,rating,ts\n1,10,4.5,100\n2,11,abc,200\n3,12,1,300\n4,13\n5,14,2,NaN\n");
        var report = new ReadReport();
        var log = Load(path, new ReadOptions { SkipBadRows = true }, report);
        Assert.Equal(2, log.Count);
        Assert.Equal(2, report.RowsRead);
        Assert.Equal(3, report.RowsSkipped);
        Assert.Equal(
        [
            $"{path}:3: column 'rating': expected a number, found \"abc\"",
            $"{path}:5: expected 4 fields, found 2",
            $"{path}:6: column 'ts': expected a finite number, found \"NaN\"",
        ], report.Messages);
        Assert.Equal($"read 2 rows, skipped 3 bad rows (first: {path}:3: column 'rating': expected a number, found \"abc\")", report.ToString());
        // A skipped row leaves nothing behind: users 2, 4 and 5 were never interned.
        Assert.Equal(["1", "3"], log.UserKeys!.Keys.ToArray());
    }

    [Fact]
    public void MissingNumericValueUnderRejectPolicyIsAnError()
    {
        var schema = new SchemaBuilder().Interactions(label: "y").Numeric("age", "age", Tower.Context, missing: MissingPolicy.Reject).Build();
        string path = TestData.File("x.csv", "y,age\n1,30\n0,\n");
        var e = Assert.Throws<DataException>(() => InteractionLog.Load(schema, path));
        Assert.Equal($"{path}:3: column 'age': expected a number, found \"\"", e.Message);
    }

    [Fact]
    public void WrongVectorLengthIsAnError()
    {
        var schema = new SchemaBuilder().Interactions(label: "y").Vector("emb", "emb", Tower.Context, 3).Build();
        string path = TestData.File("x.csv", "y,emb\n1,\"0.1 0.2 0.3\"\n0,\"0.1 0.2\"\n");
        var e = Assert.Throws<DataException>(() => InteractionLog.Load(schema, path));
        Assert.Equal($"{path}:3: column 'emb': expected 3 numbers, found \"0.1 0.2\"", e.Message);
    }

    [Fact]
    public void MissingFileIsAnError()
    {
        string path = Path.Combine(TestData.TempDir(), "absent.csv");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}: file not found; check the path, --data-dir or TANDEM_DATA", e.Message);
    }

    [Fact]
    public void DuplicateKeyInASideTableIsAnError()
    {
        var schema = new SchemaBuilder().Interactions(user: "u", item: "i").Categorical("color", "color", Tower.Item).Build();
        string interactions = TestData.File("r.csv", "u,i\n1,a\n");
        string items = TestData.File("items.csv", "i,color\na,red\nb,blue\na,green\n");
        var e = Assert.Throws<DataException>(() => InteractionLog.Load(schema, interactions, items: items));
        Assert.Equal($"{items}: column 'i': the key \"a\" appears twice (data rows 1 and 3); a side table has one row per key", e.Message);
    }

    [Fact]
    public void UnknownFileTypeIsAnError()
    {
        string path = TestData.File("r.xlsx", "");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}: unknown file type \".xlsx\"; expected .csv, .tsv, .txt, .dat, .jsonl, .ndjson or .parquet, or name the separator of delimited text", e.Message);
    }

    [Fact]
    public void UnterminatedQuoteIsAnErrorEvenWhenSkipping()
    {
        string path = TestData.File("r.csv", "user,item,rating,ts\n1,10,4.5,100\n2,\"11,3,200\n");
        var e = Assert.Throws<DataException>(() => Load(path, new ReadOptions { SkipBadRows = true }));
        Assert.Equal($"{path}:3: malformed row: a quote (\") opened on this row is never closed", e.Message);
    }

    [Fact]
    public void TextAfterAClosingQuoteIsAnError()
    {
        string path = TestData.File("r.csv", "user,item,rating,ts\n1,10,4.5,100\n2,\"11\"x,3,200\n");
        var e = Assert.Throws<DataException>(() => Load(path));
        Assert.Equal($"{path}:3: malformed row: text follows a closing quote (\"); write a quote inside a quoted field as two (\"\")", e.Message);
    }
}
