using Tandem.Data.IO;

namespace Tandem.Data.Tables;

/// <summary>
/// Reads requested columns of a file into a <see cref="Table"/>, validating every field once
/// on the way in: a malformed row is an error naming file, line and column, or is skipped and
/// counted under <see cref="ReadOptions.SkipBadRows"/>.
/// </summary>
public static class TableLoader
{
    /// <summary>Reads <paramref name="requests"/> from <paramref name="reader"/> to its end.</summary>
    /// <exception cref="DataException">A requested column is missing, or a row is bad and bad rows are not skipped.</exception>
    public static Table Load(IRowReader reader, IReadOnlyList<ColumnRequest> requests, ReadOptions options = default, ReadReport? report = null)
    {
        report ??= new ReadReport();
        int n = requests.Count;
        var ordinals = new int[n];
        var columns = new Column[n];
        int capacity = reader.RowCountHint;
        for (int i = 0; i < n; i++)
        {
            var q = requests[i];
            ordinals[i] = IndexOf(reader.Columns, q.Name);
            if (ordinals[i] < 0) DataThrow.MissingColumn(reader.Source, q.Name, reader.Columns);
            columns[i] = q.Type switch
            {
                ColumnType.Key => new KeyColumn(q.Name, q.Keys ?? new KeyDictionary(), capacity),
                ColumnType.Bag => new BagColumn(q.Name, q.Keys ?? new KeyDictionary(), q.Separator),
                ColumnType.Number or ColumnType.RequiredNumber => new NumberColumn(q.Name, capacity),
                ColumnType.Text => new TextColumn(q.Name),
                ColumnType.Vector => new VectorColumn(q.Name, q.Dimension),
                _ => throw new ArgumentOutOfRangeException(nameof(requests)),
            };
        }
        int expectedFields = reader.Columns.Count;
        var numbers = new double[n];
        var vectors = new float[requests.Sum(q => q.Type == ColumnType.Vector ? q.Dimension : 0)];
        int rows = 0;

        while (reader.Read())
        {
            if (reader.FieldCount != expectedFields)
            {
                if (!Bad(DataThrow.FieldCountMessage(reader.Source, reader.Line, expectedFields, reader.FieldCount))) continue;
            }
            // Phase 1 parses every number so that a bad row leaves no partial appends behind.
            string? error = null;
            for (int i = 0, v = 0; i < n && error is null; i++)
            {
                var q = requests[i];
                var field = reader[ordinals[i]];
                if (q.Type is ColumnType.Number or ColumnType.RequiredNumber)
                {
                    string? expected = FieldParser.TryNumber(field, out numbers[i]);
                    if (expected is null && q.Type == ColumnType.RequiredNumber && double.IsNaN(numbers[i])) expected = "a number";
                    if (expected is not null) error = DataThrow.FieldMessage(reader.Source, reader.Line, q.Name, expected, field);
                }
                else if (q.Type == ColumnType.Vector)
                {
                    string? expected = FieldParser.TryVector(field, vectors.AsSpan(v, q.Dimension));
                    if (expected is not null) error = DataThrow.FieldMessage(reader.Source, reader.Line, q.Name, expected, field);
                    v += q.Dimension;
                }
            }
            if (error is not null && !Bad(error)) continue;

            for (int i = 0, v = 0; i < n; i++)
            {
                var field = reader[ordinals[i]];
                switch (columns[i])
                {
                    case KeyColumn k: k.codes.Add(k.Keys.Intern(field)); break;
                    case BagColumn b: AppendBag(b, field); break;
                    case NumberColumn c: c.values.Add(numbers[i]); break;
                    case TextColumn t: t.values.Add(field.ToString()); break;
                    case VectorColumn vc:
                        vc.values.AddRange(vectors.AsSpan(v, vc.Dimension));
                        v += vc.Dimension;
                        break;
                }
            }
            rows++;
        }
        report.RowsRead += rows;
        return new Table(reader.Source, reader.Columns.ToArray(), columns, rows);

        bool Bad(string message)
        {
            if (!options.SkipBadRows) DataThrow.Data(message);
            report.Skip(message);
            return false;
        }
    }

    /// <summary>Opens <paramref name="path"/> by extension and reads <paramref name="requests"/>.</summary>
    public static Table Load(string path, IReadOnlyList<ColumnRequest> requests, ReadOptions options = default, ReadReport? report = null)
    {
        using var reader = RowReaders.Open(path);
        return Load(reader, requests, options, report);
    }

    static void AppendBag(BagColumn bag, ReadOnlySpan<char> field)
    {
        foreach (var range in field.Split(bag.Separator))
        {
            var token = field[range].Trim();
            if (!token.IsEmpty) bag.codes.Add(bag.Keys.Intern(token));
        }
        bag.offsets.Add(bag.codes.Count);
    }

    internal static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
            if (columns[i] == name) return i;
        return -1;
    }
}
