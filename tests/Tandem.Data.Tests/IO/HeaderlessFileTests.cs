using System.Text;
using System.Text.Json;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.IO;

/// <summary>Files without a header, their columns and separator declared in a <see cref="DataFile"/>: MovieLens ml-100k and ml-1m formats.</summary>
public class HeaderlessFileTests
{
    static readonly string[] RatingColumns = ["userId", "movieId", "rating", "timestamp"];

    static List<string[]> All(IRowReader reader)
    {
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader[i].ToString()).ToArray());
        return rows;
    }

    static readonly FeatureSchema Ratings = new SchemaBuilder()
        .Interactions(user: "userId", item: "movieId", timestamp: "timestamp", rating: "rating")
        .Id("user", "userId", Tower.User)
        .Build();

    [Fact]
    public void TabSeparatedRatingsReadEveryLineAsData()
    {
        string path = TestData.File("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n");
        using var reader = RowReaders.Open(new DataFile(path) { Header = false, Columns = RatingColumns, Separator = "\t" });
        Assert.Equal(RatingColumns, reader.Columns);
        var lines = new List<long>();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            lines.Add(reader.Line);
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader[i].ToString()).ToArray());
        }
        Assert.Equal([1L, 2L, 3L], lines);
        Assert.Equal([["196", "242", "3", "881250949"], ["186", "302", "3", "891717742"], ["22", "377", "1", "878887116"]], rows);
    }

    [Fact]
    public void DoubleColonSeparatedLatin1()
    {
        string path = Path.Combine(TestData.TempDir(), "movies.dat");
        File.WriteAllText(path, "1::Toy Story (1995)::Animation|Children's|Comedy\n3022::Le Café (1999)::Comedy\n", Encoding.Latin1);
        using var reader = RowReaders.Open(new DataFile(path) { Header = false, Columns = ["movieId", "title", "genres"], Separator = "::", Encoding = "latin1" });
        Assert.Equal([["1", "Toy Story (1995)", "Animation|Children's|Comedy"], ["3022", "Le Café (1999)", "Comedy"]], All(reader));
        Assert.Equal(2, reader.Line);
    }

    [Fact]
    public void ADatFileWithAHeaderStillReadsItsHeader()
    {
        string path = TestData.File("ratings.dat", "userId::movieId::rating::timestamp\n1::1193::5::978300760\n");
        using var reader = RowReaders.Open(path);
        Assert.Equal(RatingColumns, reader.Columns);
        Assert.Equal([["1", "1193", "5", "978300760"]], All(reader));
        Assert.Equal(2, reader.Line);
    }

    [Fact]
    public void FlagColumnsFoldIntoOneColumn()
    {
        string path = TestData.File("u.item", "242|Kolya (1996)|0|1|0\n302|\"Heat\" (1995)|1|0|1\n267|unknown|0|0|0\n");
        var file = new DataFile(path)
        {
            Header = false,
            Separator = "|",
            Columns = ["movieId", "title", "Action", "Comedy", "Crime"],
            Flags = new Dictionary<string, IReadOnlyList<string>> { ["genres"] = ["Action", "Comedy", "Crime"] },
        };
        using var reader = RowReaders.Open(file);
        Assert.Equal(["movieId", "title", "Action", "Comedy", "Crime", "genres"], reader.Columns);
        Assert.Equal(1, reader.ComputedColumns);
        // A pipe-separated file is split literally: quotes are part of the title.
        Assert.Equal([
            ["242", "Kolya (1996)", "0", "1", "0", "Comedy"],
            ["302", "\"Heat\" (1995)", "1", "0", "1", "Action|Crime"],
            ["267", "unknown", "0", "0", "0", ""]], All(reader));
    }

    [Fact]
    public void ABadFieldNamesFileLineAndColumn()
    {
        string path = TestData.File("u.data", "196\t242\t3\t881250949\n186\t302\tthree\t891717742\n");
        var e = Assert.Throws<DataException>(() => InteractionLog.Load(Ratings, new DataFile(path) { Header = false, Columns = RatingColumns, Separator = "\t" }));
        Assert.Equal($"{path}:2: column 'rating': expected a number, found \"three\"", e.Message);
    }

    [Fact]
    public void AShortRowCountsTheFileFieldsNotTheFoldedOnes()
    {
        string path = TestData.File("ratings.dat", "1::1193::5::978300760\n1::661::978302109\n");
        var e = Assert.Throws<DataException>(() => InteractionLog.Load(Ratings, new DataFile(path) { Header = false, Columns = RatingColumns }));
        Assert.Equal($"{path}:2: expected 4 fields, found 3", e.Message);

        string items = TestData.File("u.item", "242|Kolya (1996)|0|1\n302|Heat (1995)|1\n");
        var file = new DataFile(items)
        {
            Header = false,
            Separator = "|",
            Columns = ["movieId", "title", "Action", "Comedy"],
            Flags = new Dictionary<string, IReadOnlyList<string>> { ["genres"] = ["Action", "Comedy"] },
        };
        using var reader = RowReaders.Open(file);
        var e2 = Assert.Throws<DataException>(() => TableLoader.Load(reader, [new ColumnRequest("genres", ColumnType.Bag) { Separator = "|" }]));
        Assert.Equal($"{items}:2: expected 4 fields, found 3", e2.Message);
    }

    [Fact]
    public void BadRowsOfAHeaderlessFileCanBeSkipped()
    {
        string path = TestData.File("u.data", "196\t242\t3\t881250949\n186\t302\n22\t377\t1\t878887116\n");
        var report = new ReadReport();
        var log = InteractionLog.Load(Ratings, new DataFile(path) { Header = false, Columns = RatingColumns, Separator = "\t" }, options: new ReadOptions { SkipBadRows = true }, report: report);
        Assert.Equal(2, log.Count);
        Assert.Equal(1, report.RowsSkipped);
        Assert.Equal($"{path}:2: expected 4 fields, found 2", report.Messages[0]);
    }

    public static TheoryData<string, string> BadOptions => new()
    {
        { """{ "path": "u.csv", "header": false }""", "header is false but no columns are named; list them in file order under \"columns\"" },
        { """{ "path": "u.csv", "columns": ["a"] }""", "\"columns\" names the columns of a file without a header; set \"header\": false, or drop \"columns\" to read the header" },
        { """{ "path": "u.csv", "encoding": "klingon" }""", "unknown encoding \"klingon\"; expected utf-8 or latin1 (iso-8859-1)" },
        { """{ "path": "u.csv", "separator": "" }""", "the separator is empty" },
        { """{ "path": "u.csv", "header": false, "columns": ["a", "b", "a"] }""", "the column 'a' is named twice under \"columns\"" },
        { """{ "path": "u.data" }""", "unknown file type \".data\"; expected .csv, .tsv, .txt, .dat, .jsonl, .ndjson or .parquet, or name the separator of delimited text" },
        { """{ "path": "u.jsonl", "header": false, "columns": ["a"] }""", "header, columns and encoding apply to delimited text; JSON Lines and Parquet files name their own columns" },
        { """{ "path": "u.csv", "flags": { "genres": ["Action", "Drama"] } }""", "missing column 'Drama'; columns found: a, Action" },
        { """{ "path": "u.csv", "flags": { "a": ["Action"] } }""", "flags: the column 'a' is already in the file; name the flags' column differently" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptionsGiveOneLineNamingTheFile(string json, string message)
    {
        string dir = TestData.TempDir();
        foreach (string name in new[] { "u.data", "u.csv", "u.jsonl" }) File.WriteAllText(Path.Combine(dir, name), name == "u.jsonl" ? "{\"a\":1}\n" : "a,Action\n1,0\n");
        var file = SchemaJson.Parse($$"""{ "data": { "items": {{json}} } }""", "s.json", dir).Files.Items!;
        var e = Assert.Throws<DataException>(() => RowReaders.Open(file).Dispose());
        Assert.Equal($"{file.Path}: {message}", e.Message);
    }

    static readonly JsonSerializerOptions CliJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    [Fact]
    public void ConfigsRoundTripBothForms()
    {
        var files = new DataFiles
        {
            Interactions = new DataFile("u.data") { Header = false, Columns = RatingColumns, Separator = "\t" },
            Items = new DataFile("u.item") { Header = false, Columns = ["movieId", "A"], Separator = "|", Encoding = "latin1", Flags = new Dictionary<string, IReadOnlyList<string>> { ["genres"] = ["A"] } },
            Users = "users.csv",
        };
        string json = JsonSerializer.Serialize(files, CliJson);
        Assert.Equal("""{"interactions":{"path":"u.data","header":false,"columns":["userId","movieId","rating","timestamp"],"separator":"\t"},"users":"users.csv","items":{"path":"u.item","header":false,"columns":["movieId","A"],"separator":"|","encoding":"latin1","flags":{"genres":["A"]}}}""", json);
        Assert.Equal(files, JsonSerializer.Deserialize<DataFiles>(json, CliJson));
    }

    [Fact]
    public void ABadFileInAConfigIsAJsonErrorWithItsPath()
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DataFiles>("""{ "items": { "path": "u.item", "header": "no" } }""", CliJson));
        Assert.Equal("the file: \"header\" must be true or false, found \"no\"", e.Message);
        Assert.Equal("$.items", e.Path);
    }
}
