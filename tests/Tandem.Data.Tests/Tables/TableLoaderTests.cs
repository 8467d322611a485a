using System.Globalization;
using System.Text;
using Tandem.Data.IO;
using Tandem.Data.Tables;

namespace Tandem.Data.Tests.Tables;

public class TableLoaderTests
{
    [Fact]
    public void EveryColumnTypeSurvivesManyChunksInFileOrder()
    {
        // 50,001 rows span several of the loader's 16,384-row chunks; every tenth row is bad and skipped.
        const int rows = 50_001;
        var csv = new StringBuilder("key,tags,note,x,v\n");
        for (int r = 0; r < rows; r++)
        {
            string number = r % 10 == 9 ? "bad" : (r * 0.5).ToString(CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"k{r % 977},t{r % 3}|t{r % 5},\"note, {r}\",{number},\"{r} {-r}\"\n");
        }
        var report = new ReadReport();
        var table = TableLoader.Load(TestData.File("big.csv", csv.ToString()),
        [
            new ColumnRequest("key", ColumnType.Key),
            new ColumnRequest("tags", ColumnType.Bag),
            new ColumnRequest("note", ColumnType.Text),
            new ColumnRequest("x", ColumnType.Number),
            new ColumnRequest("v", ColumnType.Vector) { Dimension = 2 },
        ], new ReadOptions { SkipBadRows = true }, report);
        var kept = Enumerable.Range(0, rows).Where(r => r % 10 != 9).ToArray();
        Assert.Equal(kept.Length, table.Count);
        Assert.Equal(rows - kept.Length, report.RowsSkipped);
        var key = table.Get<KeyColumn>("key");
        var tags = table.Get<BagColumn>("tags");
        var notes = table.Get<TextColumn>("note").Values;
        var x = table.Get<NumberColumn>("x").Values;
        var v = table.Get<VectorColumn>("v");
        for (int i = 0; i < kept.Length; i++)
        {
            int r = kept[i];
            Assert.Equal($"k{r % 977}", key.Keys[key.Codes[i]]);
            Assert.Equal([$"t{r % 3}", $"t{r % 5}"], tags.Row(i).ToArray().Select(c => tags.Keys[c]));
            Assert.Equal($"note, {r}", notes[i]);
            Assert.Equal(r * 0.5, x[i]);
            Assert.Equal([r, -r], v.Row(i).ToArray());
        }
    }
}
