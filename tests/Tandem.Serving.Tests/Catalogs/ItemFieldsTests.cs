using Tandem.Data;
using Tandem.Data.Schema;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving.Tests.Catalogs;

public sealed class ItemFieldsTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("tandem-fields-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static readonly FeatureSchema Schema = SchemaJson.Parse("""
        {
          "interactions": { "user": "user", "item": "sku" },
          "features": [
            { "name": "item", "column": "sku", "kind": "id", "tower": "item" },
            { "name": "tags", "column": "tags", "kind": "multi_categorical", "tower": "item", "separator": ";" }
          ]
        }
        """);

    string Write(string name, string text)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void EveryColumnButTheIdIsAFieldAndDeclaredMultiCategoricalColumnsAreLists()
    {
        var fields = ItemFields.Read(Write("items.csv", """
            name,sku,tags,price
            "Kettle, steel",tt0114709,kitchen;metal,19.90
            Mug,b-7,,4.5
            Kettle again,tt0114709,ignored,1
            """), Schema);

        Assert.Equal(["name", "tags", "price"], fields.Fields.Select(f => f.Name));
        Assert.Equal([false, true, false], fields.Fields.Select(f => f.IsList));
        // The first row of a repeated id wins; quoted commas stay in the value.
        Assert.Equal("Kettle, steel", fields.Value("tt0114709", "name"));
        Assert.Equal("19.90", fields.Value("tt0114709", "price"));
        var tags = fields["tags"]!;
        Assert.Equal(["kitchen", "metal"], tags.CodesOf(fields.RowOf("tt0114709")).ToArray().Select(c => tags.Values[c]));
        // An empty value is no value.
        Assert.True(tags.CodesOf(fields.RowOf("b-7")).IsEmpty);
        Assert.Null(fields.Value("b-7", "tags"));
        Assert.Equal(-1, fields.RowOf("nope"));
        Assert.Null(fields["colour"]);
        Assert.Equal(-1, tags.CodeOf("garden"));
    }

    [Fact]
    public void AnItemsTableWithoutTheItemColumnIsRefusedNamingIt()
    {
        string path = Write("items.csv", "id,name\n1,Mug\n");
        var e = Assert.Throws<DataException>(() => ItemFields.Read(path, Schema));
        Assert.Equal($"{path}: missing column 'sku' (the item column); columns found: id, name", e.Message);
    }

    [Fact]
    public void ASingleValuedFieldRefusesSeveralValues()
    {
        var e = Assert.Throws<ArgumentException>(() => new ItemField("name", isList: false, [["a"], ["b", "c"]]));
        Assert.Contains("item row 1 has 2", e.Message);
        Assert.Throws<ArgumentException>(() => new ItemFields(["x", "y"], [new ItemField("name", false, [["a"]])]));
    }
}
