using System.Text;
using Parquet;
using Parquet.Schema;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.IO;

/// <summary>
/// A corpus of malformed inputs for every row reader (CSV, TSV, <c>::</c>-separated, headerless, flag
/// columns, JSON Lines, Parquet) and the schema file: each either loads or fails with one
/// <see cref="DataException"/> line that starts with the file's path; never another exception type.
/// </summary>
public class MalformedInputTests
{
    const string Valid = "user,item,rating,ts\n1,10,4.5,100\n2,11,3,200\n";

    static readonly FeatureSchema Schema = new SchemaBuilder()
        .Interactions(user: "user", item: "item", timestamp: "ts", rating: "rating")
        .Id("user", "user", Tower.User).Id("item", "item", Tower.Item)
        .Build();

    /// <summary>Damaged versions of a small valid file, by name.</summary>
    static IEnumerable<(string Name, byte[] Bytes)> Damaged(string valid)
    {
        var random = new Random(7);
        var garbage = new byte[2048];
        random.NextBytes(garbage);
        byte[] Text(string s) => Encoding.UTF8.GetBytes(s);
        string[] lines = valid.Split('\n');
        yield return ("empty", []);
        yield return ("header only", Text(lines[0] + "\n"));
        yield return ("newline only", Text("\n"));
        yield return ("blank lines", Text("\n\n   \n"));
        yield return ("binary garbage", garbage);
        yield return ("NUL bytes", Text(valid.Replace("10", "1\0\0")));
        yield return ("unterminated quote", Text(valid.Replace("\n2", "\n\"2")));
        yield return ("quote inside a field", Text(valid.Replace("\n2", "\n2\"x\"")));
        yield return ("100,000-character line", Text(valid + new string('9', 100_000) + "\n"));
        yield return ("long quoted field", Text(valid + "\"" + new string('x', 100_000) + "\"\n"));
        yield return ("too few fields", Text(valid + "3,12\n"));
        yield return ("too many fields", Text(valid + "3,12,1,300,extra,more\n"));
        yield return ("text rating", Text(valid + "3,12,five,300\n"));
        yield return ("NaN rating", Text(valid + "3,12,NaN,300\n"));
        yield return ("negative rating", Text(valid + "3,12,-1,300\n"));
        yield return ("overflowing number", Text(valid + "3,12,1e999,300\n"));
        yield return ("empty rating", Text(valid + "3,12,,300\n"));
        yield return ("empty user", Text(valid + ",12,1,300\n"));
        yield return ("timestamp past long", Text(valid + "3,12,1,99999999999999999999999\n"));
        yield return ("cut mid-line", Text(valid[..(valid.Length - 4)]));
        yield return ("lone carriage returns", Text(valid.Replace('\n', '\r')));
        yield return ("UTF-16 with a byte-order mark", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(valid)]);
        yield return ("UTF-8 byte-order mark", [.. Encoding.UTF8.GetPreamble(), .. Text(valid)]);
        yield return ("invalid UTF-8", [.. Text(valid), 0xC3, 0x28, (byte)'\n']);
        yield return ("duplicate header column", Text(lines[0] + ",user\n" + string.Join('\n', lines.Skip(1).Where(l => l.Length > 0).Select(l => l + ",9")) + "\n"));
        yield return ("header missing a column", Text(valid.Replace("rating,", "")));
    }

    /// <summary>Every damaged file in every delimited layout: (case, extension or separator, header, bytes).</summary>
    public static TheoryData<string, string, bool, byte[]> DelimitedCases()
    {
        var data = new TheoryData<string, string, bool, byte[]>();
        foreach (var (name, bytes) in Damaged(Valid))
        {
            data.Add(name, ".csv", true, bytes);
            data.Add(name, ".tsv", true, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace(',', '\t')));
            data.Add(name, ".dat", true, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace(",", "::")));
            data.Add(name, "headerless.csv", false, bytes);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DelimitedCases))]
    public void DelimitedTextEitherLoadsOrFailsInOneLineNamingTheFile(string name, string extension, bool header, byte[] bytes)
    {
        string path = Path.Combine(TestData.TempDir(), extension.StartsWith('.') ? "r" + extension : extension);
        File.WriteAllBytes(path, bytes);
        var file = header ? new DataFile(path) : new DataFile(path) { Header = false, Columns = ["user", "item", "rating", "ts"] };
        LoadsOrFailsCleanly(name, path, () => InteractionLog.Load(Schema, file));
    }

    public static TheoryData<string, string> JsonLinesCases() => new()
    {
        { "open brace", "{\n" },
        { "array rows", "[1,2]\n[3,4]\n" },
        { "null row", "null\n" },
        { "object value", "{\"user\":{},\"item\":\"10\",\"rating\":1,\"ts\":1}\n" },
        { "text rating", "{\"user\":\"1\",\"item\":\"10\",\"rating\":\"x\",\"ts\":1}\n" },
        { "missing field", "{\"user\":\"1\",\"item\":\"10\",\"ts\":1}\n" },
        { "duplicate key", "{\"user\":\"1\",\"user\":\"2\",\"item\":\"10\",\"rating\":1,\"ts\":1}\n" },
        { "deep nesting", "{\"user\":" + new string('[', 5000) + new string(']', 5000) + "}\n" },
        { "huge string", "{\"user\":\"" + new string('u', 1_000_000) + "\",\"item\":\"10\",\"rating\":1,\"ts\":1}\n" },
        { "trailing garbage", "{\"user\":\"1\",\"item\":\"10\",\"rating\":1,\"ts\":1} x\n" },
        { "empty", "" },
        { "blank lines", "\n\n" },
        { "negative rating", "{\"user\":\"1\",\"item\":\"10\",\"rating\":-3,\"ts\":1}\n" },
        { "number too large", "{\"user\":\"1\",\"item\":\"10\",\"rating\":1e999,\"ts\":1}\n" },
    };

    [Theory]
    [MemberData(nameof(JsonLinesCases))]
    public void JsonLinesEitherLoadsOrFailsInOneLineNamingTheFile(string name, string text)
    {
        string path = Path.Combine(TestData.TempDir(), "r.jsonl");
        File.WriteAllText(path, text);
        LoadsOrFailsCleanly(name, path, () => InteractionLog.Load(Schema, path));
    }

    [Fact]
    public async Task DamagedParquetFailsInOneLineNamingTheFile()
    {
        string dir = TestData.TempDir(), valid = Path.Combine(dir, "valid.parquet");
        using (var stream = File.Create(valid))
        {
            var fields = new DataField[] { new DataField<string>("user"), new DataField<string>("item"), new DataField<double>("rating"), new DataField<long>("ts") };
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(fields[0], new[] { "1", "2" });
            await group.WriteAsync(fields[1], new[] { "10", "11" });
            await group.WriteAsync<double>((DataField<double>)fields[2], new[] { 4.5, -2 });
            await group.WriteAsync<long>((DataField<long>)fields[3], new[] { 100L, 200 });
        }
        byte[] bytes = File.ReadAllBytes(valid);
        var random = new Random(11);
        var cases = new List<(string, byte[])> { ("empty", []), ("magic only", "PAR1"u8.ToArray()), ("text", Encoding.UTF8.GetBytes(Valid)), ("valid with a negative rating", bytes) };
        foreach (int cut in new[] { 4, bytes.Length / 2, bytes.Length - 8, bytes.Length - 1 }) cases.Add(($"cut at {cut}", bytes[..cut]));
        for (int i = 0; i < 100; i++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            cases.Add(($"bit flip {i}", flipped));
        }
        foreach (var (name, content) in cases)
        {
            string path = Path.Combine(dir, "r.parquet");
            File.WriteAllBytes(path, content);
            LoadsOrFailsCleanly(name, path, () => InteractionLog.Load(Schema, path));
        }
    }

    public static TheoryData<string, string> SchemaCases() => new()
    {
        { "empty", "" },
        { "not JSON", "hello" },
        { "array", "[]" },
        { "cut short", "{ \"interactions\": { \"user\": " },
        { "wrong type", "{ \"interactions\": 5 }" },
        { "unknown feature kind", "{ \"interactions\": { \"user\": \"u\" }, \"features\": [ { \"name\": \"f\", \"kind\": \"blob\", \"column\": \"c\" } ] }" },
        { "duplicate key", "{ \"interactions\": { \"user\": \"u\", \"user\": \"v\" } }" },
        { "deep nesting", new string('[', 5000) + new string(']', 5000) },
        { "null features", "{ \"interactions\": { \"user\": \"u\" }, \"features\": null }" },
    };

    [Theory]
    [MemberData(nameof(SchemaCases))]
    public void SchemaFileEitherLoadsOrFailsInOneLineNamingTheFile(string name, string text)
    {
        string path = Path.Combine(TestData.TempDir(), "schema.json");
        File.WriteAllText(path, text);
        LoadsOrFailsCleanly(name, path, () => SchemaJson.Load(path));
    }

    static void LoadsOrFailsCleanly(string name, string path, Action load)
    {
        try
        {
            load();
        }
        catch (DataException e)
        {
            Assert.True(e.Message.StartsWith(path, StringComparison.Ordinal), $"{name}: the message does not start with the path: {e.Message}");
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain("(Parameter", e.Message);
            Assert.DoesNotContain("MaxBufferSize", e.Message);
        }
        catch (Exception e)
        {
            Assert.Fail($"{name}: {e.GetType().Name}: {e.Message}");
        }
    }
}
