using Parquet;
using Parquet.Schema;
using Tandem.Data.IO;

namespace Tandem.Data.Tests.IO;

/// <summary>The Parquet reader streams row groups: rows come out in file order while only one group is in memory.</summary>
public class ParquetStreamingTests
{
    static async Task<string> Write(params int[] groupSizes)
    {
        string path = Path.Combine(TestData.TempDir(), "groups.parquet");
        var id = new DataField<long>("id");
        var name = new DataField<string>("name");
        using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, name), stream);
        long next = 0;
        foreach (int size in groupSizes)
        {
            var ids = Enumerable.Range(0, size).Select(_ => next++).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(id, ids);
            await group.WriteAsync(name, ids.Select(i => $"n{i}").ToArray());
        }
        return path;
    }

    [Fact]
    public async Task RowsComeInFileOrderWithOneRowGroupInMemory()
    {
        int[] sizes = [5, 7, 1, 3];
        string path = await Write(sizes);
        using var reader = new ParquetRowReader(path);
        Assert.Equal(["id", "name"], reader.Columns);
        // The footer gives the total up front (5 + 7 + 1 + 3 = 16) without reading any rows.
        Assert.Equal(16, reader.RowCountHint);
        Assert.Equal(0, reader.ResidentRows);
        var resident = new List<int>();
        long expected = 0;
        while (reader.Read())
        {
            Assert.Equal(expected.ToString(), reader[0].ToString());
            Assert.Equal($"n{expected}", reader[1].ToString());
            // Line numbers continue across groups as in a CSV with a header: row r is line r + 2.
            Assert.Equal(expected + 2, reader.Line);
            resident.Add(reader.ResidentRows);
            expected++;
        }
        Assert.Equal(16, expected);
        // Never more than the current group: 5 rows while in the first, 7 in the second, and so on.
        Assert.Equal(sizes.SelectMany(s => Enumerable.Repeat(s, s)), resident);
    }

    [Fact]
    public void ANonParquetFileIsOneLine()
    {
        string path = TestData.File("fake.parquet", "user,item\n1,2\n");
        var e = Assert.Throws<DataException>(() => new ParquetRowReader(path));
        Assert.StartsWith($"{path}: not a readable Parquet file: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
