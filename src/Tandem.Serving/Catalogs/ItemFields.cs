using Tandem.Data.Datasets;
using Tandem.Data.IO;
using Tandem.Models;
using Tandem.Data.Schema;

namespace Tandem.Serving.Catalogs;

/// <summary>
/// What the service shows of each item besides its id and score: every column of the items table
/// (title, genres, any other), by item id. Answers carry them as <c>"fields": { "title": "...",
/// "genres": ["Comedy"] }</c> and filters select on them. Immutable, so safe from any number of threads.
/// </summary>
public sealed class ItemFields
{
    readonly Dictionary<string, int> rowOf;

    /// <summary>The fields of the items <paramref name="ids"/>; each field has one row per id.</summary>
    /// <exception cref="ArgumentException">An id repeats, a field's rows disagree with the ids, or two fields share a name.</exception>
    public ItemFields(IReadOnlyList<string> ids, IReadOnlyList<ItemField> fields)
    {
        rowOf = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
            if (!rowOf.TryAdd(ids[i], i)) throw new ArgumentException($"Item '{ids[i]}' appears twice in the item fields.");
        foreach (var field in fields)
            if (field.Count != ids.Count) throw new ArgumentException($"Field '{field.Name}' has {field.Count} rows for {ids.Count} items; give one per item.");
        if (fields.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != fields.Count)
            throw new ArgumentException($"The item fields repeat a name: {string.Join(", ", fields.Select(f => f.Name))}.");
        Fields = fields;
    }

    /// <summary>The fields, in column order.</summary>
    public IReadOnlyList<ItemField> Fields { get; }

    /// <summary>The row of item <paramref name="id"/>, or -1 when the table does not list it.</summary>
    public int RowOf(string id) => rowOf.TryGetValue(id, out int row) ? row : -1;

    /// <summary>The field called <paramref name="name"/>, or null.</summary>
    public ItemField? this[string name] => Fields.FirstOrDefault(f => f.Name == name);

    /// <summary>The first value of field <paramref name="name"/> of item <paramref name="id"/> (its title, say), or null when either is unknown or the item has none.</summary>
    public string? Value(string id, string name)
    {
        int row = RowOf(id);
        var field = this[name];
        if (row < 0 || field is null) return null;
        var codes = field.CodesOf(row);
        return codes.IsEmpty ? null : field.Values[codes[0]];
    }

    /// <summary>
    /// The items file <paramref name="model"/> was trained with, read with <see cref="Read(IRowReader, FeatureSchema)"/>:
    /// its recipe's data files, else its schema's (a named dataset's located files, looked for again
    /// under <paramref name="dataDir"/> when given); null when the model's data has no items file.
    /// </summary>
    /// <exception cref="Tandem.Data.DataException">The items file is named but missing or unreadable.</exception>
    public static ItemFields? Of(TwoTowerModel model, string? dataDir)
    {
        var recipe = model.Recipe;
        var file = recipe?.Data.Files?.Items
            ?? (recipe?.Data.Named is { } name && dataDir is not null ? NamedDataset.Find(name).Files(DataDirectory.Resolve(dataDir)).Items : null)
            ?? model.Features.Schema.Files.Items;
        if (file is null) return null;
        using var reader = RowReaders.Open(file);
        return Read(reader, model.Features.Schema);
    }

    /// <summary>
    /// Reads every column of the items table at <paramref name="path"/> (CSV/TSV, JSON Lines or
    /// Parquet, by extension) keyed by the schema's item column; the columns the schema declares
    /// multi-categorical are lists, split by their separator; empty values are no value.
    /// </summary>
    /// <exception cref="Tandem.Data.DataException">The file is missing, of an unknown type, or has no item column.</exception>
    public static ItemFields Read(string path, FeatureSchema schema)
    {
        using var reader = RowReaders.Open(path);
        return Read(reader, schema);
    }

    /// <summary>As <see cref="Read(string, FeatureSchema)"/>, from an open reader.</summary>
    /// <exception cref="Tandem.Data.DataException">The schema or the reader has no item column.</exception>
    public static ItemFields Read(IRowReader reader, FeatureSchema schema)
    {
        string idColumn = schema.Interactions.Item
            ?? throw new Tandem.Data.DataException($"{reader.Source}: the schema names no item column to key the items table by; set \"item\" under \"interactions\"");
        int key = IndexOf(reader.Columns, idColumn);
        if (key < 0) throw new Tandem.Data.DataException($"{reader.Source}: missing column '{idColumn}' (the item column); columns found: {string.Join(", ", reader.Columns)}");
        var columns = Enumerable.Range(0, reader.Columns.Count).Where(c => c != key).ToArray();
        var separators = columns.Select(c => schema.Features.FirstOrDefault(f => f.Kind == FeatureKind.MultiCategorical && f.Column == reader.Columns[c])?.Separator).ToArray();
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rows = columns.Select(_ => new List<string[]>()).ToArray();
        while (reader.Read())
        {
            if (key >= reader.FieldCount) continue;
            string id = reader[key].ToString();
            // The log rejects a repeated key in a side table; here the first row wins.
            if (!seen.Add(id)) continue;
            ids.Add(id);
            for (int c = 0; c < columns.Length; c++)
            {
                string text = columns[c] < reader.FieldCount ? reader[columns[c]].ToString() : "";
                rows[c].Add(text.Length == 0 ? [] : separators[c] is { } separator ? text.Split(separator, StringSplitOptions.RemoveEmptyEntries) : [text]);
            }
        }
        return new ItemFields(ids, [.. columns.Select((c, i) => new ItemField(reader.Columns[c], separators[i] is not null, rows[i]))]);
    }

    static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
            if (columns[i] == name) return i;
        return -1;
    }
}
