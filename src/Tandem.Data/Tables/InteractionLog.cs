using Tandem.Data.IO;
using Tandem.Data.Schema;

namespace Tandem.Data.Tables;

/// <summary>
/// Interactions joined to their user and item side tables, as read, before any encoding.
/// User and item keys are interned once per log, so a user's code is the same in every table.
/// Immutable after loading; safe to read from several threads.
/// </summary>
public sealed class InteractionLog
{
    readonly int[]? userRowOfCode, itemRowOfCode;
    int[]? userRowOfInteraction, itemRowOfInteraction;

    InteractionLog(FeatureSchema schema, Table interactions, Table? users, Table? items, KeyDictionary? userKeys, KeyDictionary? itemKeys)
    {
        Schema = schema;
        Interactions = interactions;
        Users = users;
        Items = items;
        UserKeys = userKeys;
        ItemKeys = itemKeys;
        var c = schema.Interactions;
        if (c.Timestamp is not null) Timestamps = ToLong(interactions.Get<NumberColumn>(c.Timestamp).Values);
        if (c.Rating is not null) Ratings = ToFloat(interactions.Get<NumberColumn>(c.Rating).Values);
        if (c.Label is not null) Labels = ToFloat(interactions.Get<NumberColumn>(c.Label).Values);
        if (users is not null) userRowOfCode = RowsOfCodes(users, c.User!, userKeys!);
        if (items is not null) itemRowOfCode = RowsOfCodes(items, c.Item!, itemKeys!);
    }

    /// <summary>The schema the log was read for.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>The interactions table.</summary>
    public Table Interactions { get; }

    /// <summary>The users side table, if any.</summary>
    public Table? Users { get; }

    /// <summary>The items side table, if any.</summary>
    public Table? Items { get; }

    /// <summary>Raw user ids, interned; null without a user column.</summary>
    public KeyDictionary? UserKeys { get; }

    /// <summary>Raw item ids, interned; null without an item column. Items of the side table that no one interacted with come after those that were.</summary>
    public KeyDictionary? ItemKeys { get; }

    /// <summary>Number of interactions.</summary>
    public int Count => Interactions.Count;

    /// <summary>The user code of each interaction.</summary>
    public ReadOnlySpan<int> UserCodes => Interactions.Get<KeyColumn>(Schema.Interactions.User ?? NoColumn("user")).Codes;

    /// <summary>The item code of each interaction.</summary>
    public ReadOnlySpan<int> ItemCodes => Interactions.Get<KeyColumn>(Schema.Interactions.Item ?? NoColumn("item")).Codes;

    /// <summary>Unix seconds of each interaction, if there is a timestamp column.</summary>
    public long[]? Timestamps { get; }

    /// <summary>The rating of each interaction, if there is a rating column.</summary>
    public float[]? Ratings { get; }

    /// <summary>The explicit label of each interaction, if there is a label column.</summary>
    public float[]? Labels { get; }

    /// <summary>The table a feature is read from: the tower's side table if it holds the column, else interactions.</summary>
    public Table TableOf(FeatureSpec feature)
    {
        if (feature.Kind != FeatureKind.Sequence)
        {
            if (feature.Tower == Tower.User && Users is not null && Users.Has(feature.Column) && feature.Column != Schema.Interactions.User) return Users;
            if (feature.Tower == Tower.Item && Items is not null && Items.Has(feature.Column) && feature.Column != Schema.Interactions.Item) return Items;
        }
        return Interactions;
    }

    /// <summary>
    /// For each interaction, its row in <paramref name="table"/> (-1 when a side table has no
    /// row for the user or item); null when <paramref name="table"/> is the interactions table.
    /// </summary>
    public int[]? RowMap(Table table)
    {
        if (ReferenceEquals(table, Interactions)) return null;
        // Racing callers may both build a map; they are identical and one is kept.
        if (ReferenceEquals(table, Users)) return LazyInitializer.EnsureInitialized(ref userRowOfInteraction, () => Map(UserCodes, userRowOfCode!));
        if (ReferenceEquals(table, Items)) return LazyInitializer.EnsureInitialized(ref itemRowOfInteraction, () => Map(ItemCodes, itemRowOfCode!));
        throw new ArgumentException("The table is not part of this log.", nameof(table));
    }

    /// <summary>Reads the schema's files (<see cref="FeatureSchema.Files"/>: a JSON config's <c>"data"</c>, or a named dataset's).</summary>
    /// <exception cref="DataException">The config names no interactions file, or reading fails.</exception>
    public static InteractionLog Load(FeatureSchema schema, ReadOptions options = default, ReadReport? report = null)
    {
        if (schema.Files.Interactions is null)
            DataThrow.Config("config", "no interactions file; set \"interactions\" under \"data\"");
        return Load(schema, schema.Files.Interactions, schema.Files.Users, schema.Files.Items, options, report);
    }

    /// <summary>Reads a log from files (paths, or <see cref="DataFile"/>s saying how to read them); <paramref name="users"/> and <paramref name="items"/> are optional side tables.</summary>
    /// <exception cref="DataException">A file or column is missing, or a row is bad and bad rows are not skipped.</exception>
    public static InteractionLog Load(FeatureSchema schema, DataFile interactions, DataFile? users = null, DataFile? items = null, ReadOptions options = default, ReadReport? report = null)
    {
        using var i = RowReaders.Open(interactions);
        using var u = users is null ? null : RowReaders.Open(users);
        using var it = items is null ? null : RowReaders.Open(items);
        return Load(schema, i, u, it, options, report);
    }

    /// <summary>Reads a log from open readers.</summary>
    /// <exception cref="DataException">A column is missing, or a row is bad and bad rows are not skipped.</exception>
    public static InteractionLog Load(FeatureSchema schema, IRowReader interactions, IRowReader? users = null, IRowReader? items = null, ReadOptions options = default, ReadReport? report = null)
    {
        var c = schema.Interactions;
        report ??= new ReadReport();
        if (users is not null && c.User is null) DataThrow.Config(users.Source, "a users table needs the interactions' user column; set \"user\" under \"interactions\"");
        if (items is not null && c.Item is null) DataThrow.Config(items.Source, "an items table needs the interactions' item column; set \"item\" under \"interactions\"");
        var userKeys = c.User is null ? null : new KeyDictionary();
        var itemKeys = c.Item is null ? null : new KeyDictionary();
        var main = new Requests(userKeys, itemKeys, c);
        var userSide = new Requests(userKeys, itemKeys, c);
        var itemSide = new Requests(userKeys, itemKeys, c);
        if (c.User is not null) main.Add(new ColumnRequest(c.User, ColumnType.Key) { Keys = userKeys });
        if (c.Item is not null) main.Add(new ColumnRequest(c.Item, ColumnType.Key) { Keys = itemKeys });
        if (c.Timestamp is not null) main.Add(new ColumnRequest(c.Timestamp, ColumnType.RequiredNumber));
        if (c.Rating is not null) main.Add(new ColumnRequest(c.Rating, ColumnType.RequiredNumber) { Minimum = 0 });
        if (c.Label is not null) main.Add(new ColumnRequest(c.Label, ColumnType.Label));
        if (users is not null) userSide.Add(new ColumnRequest(c.User!, ColumnType.Key) { Keys = userKeys });
        if (items is not null) itemSide.Add(new ColumnRequest(c.Item!, ColumnType.Key) { Keys = itemKeys });

        foreach (var f in schema.Features)
        {
            var request = RequestFor(f);
            bool onUsers = f.Kind != FeatureKind.Sequence && f.Tower == Tower.User && users is not null && f.Column != c.User && TableLoader.IndexOf(users.Columns, f.Column) >= 0;
            bool onItems = f.Kind != FeatureKind.Sequence && f.Tower == Tower.Item && items is not null && f.Column != c.Item && TableLoader.IndexOf(items.Columns, f.Column) >= 0;
            // A tower's column found in neither file is its side table's problem, not the interactions'.
            if (!onUsers && !onItems && TableLoader.IndexOf(interactions.Columns, f.Column) < 0 && f.Kind != FeatureKind.Sequence)
            {
                var side = f.Tower == Tower.User ? users : f.Tower == Tower.Item ? items : null;
                if (side is not null) DataThrow.MissingColumn(side.Source, f.Column, side.Columns);
            }
            (onUsers ? userSide : onItems ? itemSide : main).Add(request);
        }
        // Interactions first, so item codes 0..k-1 are the items someone interacted with.
        var interactionTable = TableLoader.Load(interactions, main.List, options, report);
        if (interactionTable.Count == 0)
            DataThrow.Data(report.RowsSkipped > 0
                ? $"{interactions.Source}: every row is bad ({report.RowsSkipped} skipped, first: {report.Messages[0]}); there are no interactions to read"
                : $"{interactions.Source}: no rows after the header; expected one row per interaction");
        var userTable = users is null ? null : TableLoader.Load(users, userSide.List, options, report);
        var itemTable = items is null ? null : TableLoader.Load(items, itemSide.List, options, report);
        return new InteractionLog(schema, interactionTable, userTable, itemTable, userKeys, itemKeys);
    }

    static ColumnRequest RequestFor(FeatureSpec f) => f.Kind switch
    {
        FeatureKind.Id or FeatureKind.Categorical or FeatureKind.Sequence => new(f.Column, ColumnType.Key),
        FeatureKind.MultiCategorical => new(f.Column, ColumnType.Bag) { Separator = f.Separator },
        FeatureKind.Numeric => new(f.Column, f.Missing == MissingPolicy.Reject ? ColumnType.RequiredNumber : ColumnType.Number),
        FeatureKind.Timestamp => new(f.Column, ColumnType.RequiredNumber),
        FeatureKind.Text or FeatureKind.Image => new(f.Column, ColumnType.Text),
        FeatureKind.Vector => new(f.Column, ColumnType.Vector) { Dimension = f.Dimension },
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>Column requests for one table, merged by column name.</summary>
    sealed class Requests(KeyDictionary? userKeys, KeyDictionary? itemKeys, InteractionColumns c)
    {
        public readonly List<ColumnRequest> List = [];

        public void Add(ColumnRequest request)
        {
            if (request.Type == ColumnType.Key && request.Keys is null)
                request = request with { Keys = request.Name == c.User ? userKeys : request.Name == c.Item ? itemKeys : null };
            int at = List.FindIndex(r => r.Name == request.Name);
            if (at < 0) { List.Add(request); return; }
            var old = List[at];
            if (old == request) return;
            bool numbers = old.Type is ColumnType.Number or ColumnType.RequiredNumber && request.Type is ColumnType.Number or ColumnType.RequiredNumber;
            if (numbers)
            {
                List[at] = old with
                {
                    Type = old.Type == ColumnType.RequiredNumber || request.Type == ColumnType.RequiredNumber ? ColumnType.RequiredNumber : ColumnType.Number,
                    Minimum = old.Minimum ?? request.Minimum,
                };
                return;
            }
            if (old.Type == ColumnType.Key && request.Type == ColumnType.Key) return;
            DataThrow.Config("schema", $"column '{request.Name}' is read both as {JsonName(old.Type)} and as {JsonName(request.Type)}; declare one feature per column or copy the column");
        }

        static string JsonName(ColumnType t) => t switch
        {
            ColumnType.Key => "a category",
            ColumnType.Bag => "a multi-category",
            ColumnType.Number or ColumnType.RequiredNumber => "a number",
            ColumnType.Text => "text",
            _ => "a vector",
        };
    }

    static int[] RowsOfCodes(Table side, string keyColumn, KeyDictionary keys)
    {
        var codes = side.Get<KeyColumn>(keyColumn).Codes;
        var rows = new int[keys.Count];
        Array.Fill(rows, -1);
        for (int r = 0; r < codes.Length; r++)
        {
            if (rows[codes[r]] >= 0)
                DataThrow.Config(side.Source, $"column '{keyColumn}': the key \"{keys[codes[r]]}\" appears twice (data rows {rows[codes[r]] + 1} and {r + 1}); a side table has one row per key");
            rows[codes[r]] = r;
        }
        return rows;
    }

    static int[] Map(ReadOnlySpan<int> codes, int[] rowOfCode)
    {
        var map = new int[codes.Length];
        for (int i = 0; i < codes.Length; i++) map[i] = codes[i] < rowOfCode.Length ? rowOfCode[codes[i]] : -1;
        return map;
    }

    static long[] ToLong(ReadOnlySpan<double> values)
    {
        var r = new long[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (long)values[i];
        return r;
    }

    static float[] ToFloat(ReadOnlySpan<double> values)
    {
        var r = new float[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)values[i];
        return r;
    }

    static string NoColumn(string what) =>
        throw new DataException($"The schema names no {what} column; set it under \"interactions\".");
}
