using Parquet;
using Parquet.Schema;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.IO;

public class RowReaderTests
{
    static List<string[]> All(IRowReader reader)
    {
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader[i].ToString()).ToArray());
        return rows;
    }

    [Fact]
    public void CsvUnquotesFieldsWithCommasAndQuotes()
    {
        string path = TestData.File("movies.csv", "movieId,title,genres\n11,\"American President, The (1995)\",Comedy|Drama|Romance\n12,\"Say \"\"Hi\"\"\",Comedy\n");
        using var reader = new CsvRowReader(path);
        Assert.Equal(["movieId", "title", "genres"], reader.Columns);
        Assert.Equal([["11", "American President, The (1995)", "Comedy|Drama|Romance"], ["12", "Say \"Hi\"", "Comedy"]], All(reader));
    }

    [Fact]
    public void CsvLineNumbersCountTheHeader()
    {
        using var reader = new CsvRowReader(new StringReader("a,b\n1,2\n3,4\n"), "mem.csv");
        Assert.True(reader.Read());
        Assert.Equal(2, reader.Line);
        Assert.True(reader.Read());
        Assert.Equal(3, reader.Line);
        Assert.False(reader.Read());
    }

    [Fact]
    public void HeaderlessTabSeparated()
    {
        using var reader = new CsvRowReader(new StringReader("1\t2\n3\t4\n"), "mem.tsv", '\t', ["x", "y"]);
        Assert.True(reader.Read());
        Assert.Equal(1, reader.Line);
        Assert.Equal([["3", "4"]], All(reader));
    }

    [Fact]
    public void DoubleColonSeparated()
    {
        using var reader = new SeparatorRowReader(new StringReader("1::1193::5::978300760\n1::661::3::978302109\n"), "ratings.dat", "::", ["u", "i", "r", "t"]);
        Assert.Equal([["1", "1193", "5", "978300760"], ["1", "661", "3", "978302109"]], All(reader));
        Assert.Equal(2, reader.Line);
    }

    [Fact]
    public void JsonLinesReadsStringsNumbersNullsAndArrays()
    {
        string path = TestData.File("x.jsonl", "{\"user\":\"u1\",\"rating\":4.5,\"tags\":[\"a\",\"b\"]}\n\n{\"user\":\"u2\",\"rating\":null,\"tags\":[]}\n");
        using var reader = new JsonLinesRowReader(path);
        Assert.Equal(["user", "rating", "tags"], reader.Columns);
        Assert.True(reader.Read());
        Assert.Equal(1, reader.Line);
        Assert.Equal(["u1", "4.5", "a,b"], Enumerable.Range(0, 3).Select(i => reader[i].ToString()));
        Assert.True(reader.Read());
        Assert.Equal(3, reader.Line); // the blank line 2 is skipped but counted
        Assert.Equal(["u2", "", ""], Enumerable.Range(0, 3).Select(i => reader[i].ToString()));
        Assert.False(reader.Read());
    }

    [Fact]
    public void JsonLinesInvalidLineIsAnError()
    {
        string path = TestData.File("x.jsonl", "{\"a\":1}\n[1,2]\n");
        using var reader = new JsonLinesRowReader(path);
        Assert.True(reader.Read());
        var e = Assert.Throws<DataException>(() => reader.Read());
        Assert.Equal($"{path}:2: malformed row: expected a JSON object, found Array", e.Message);
    }

    [Fact]
    public async Task ParquetLoadsLikeCsv()
    {
        string dir = TestData.TempDir();
        string parquet = Path.Combine(dir, "r.parquet");
        var user = new DataField<string>("user");
        var item = new DataField<int>("item");
        var rating = new DataField<double>("rating");
        using (var stream = File.Create(parquet))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(user, item, rating), stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync(user, new[] { "a", "b", "a" });
            await group.WriteAsync<int>(item, new[] { 10, 11, 12 });
            await group.WriteAsync<double>(rating, new[] { 4.5, 3.0, 0.25 });
        }
        string csv = TestData.File("r.csv", "user,item,rating\na,10,4.5\nb,11,3\na,12,0.25\n");
        var schema = new SchemaBuilder().Interactions(user: "user", item: "item", rating: "rating").Build();
        var fromParquet = InteractionLog.Load(schema, parquet);
        var fromCsv = InteractionLog.Load(schema, csv);
        Assert.Equal(fromCsv.UserCodes.ToArray(), fromParquet.UserCodes.ToArray());
        Assert.Equal(fromCsv.ItemKeys!.Keys.ToArray(), fromParquet.ItemKeys!.Keys.ToArray());
        Assert.Equal([4.5f, 3f, 0.25f], fromParquet.Ratings!);
    }

    [Fact]
    public void JsonLinesLoadsLikeCsv()
    {
        string jsonl = TestData.File("r.jsonl", "{\"user\":\"a\",\"item\":10,\"rating\":4.5}\n{\"user\":\"b\",\"item\":11,\"rating\":3}\n");
        var schema = new SchemaBuilder().Interactions(user: "user", item: "item", rating: "rating").Build();
        var log = InteractionLog.Load(schema, jsonl);
        Assert.Equal(["a", "b"], log.UserKeys!.Keys.ToArray());
        Assert.Equal(["10", "11"], log.ItemKeys!.Keys.ToArray());
        Assert.Equal([4.5f, 3f], log.Ratings!);
    }

    [Fact]
    public void NumbersUseTheInvariantCulture()
    {
        // A decimal comma is not a number, whatever the machine's culture; a decimal point always is.
        string path = TestData.File("r.csv", "user,item,rating\na,1,\"3,5\"\n");
        var schema = new SchemaBuilder().Interactions(user: "user", item: "item", rating: "rating").Build();
        var e = Assert.Throws<DataException>(() => InteractionLog.Load(schema, path));
        Assert.Equal($"{path}:2: column 'rating': expected a number, found \"3,5\"", e.Message);
        Assert.Equal([1234.5f, 0.001f], InteractionLog.Load(schema, TestData.File("r.csv", "user,item,rating\na,1,1234.5\nb,2,1e-3\n")).Ratings!);
    }
}
