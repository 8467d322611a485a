using Tandem.Data.Batching;
using Tandem.Data.IO;

namespace Tandem.Data.Tables;

/// <summary>
/// Reads requested columns of a file into a <see cref="Table"/>, validating every field once
/// on the way in: a malformed row is an error naming file, line and column, or is skipped and
/// counted under <see cref="ReadOptions.SkipBadRows"/>.
/// Two threads share the work: the caller's thread tokenises rows, parses and validates numbers
/// and copies the text of categorical fields into a chunk; a background thread interns those
/// into the columns' dictionaries. Rows keep file order and a bad row leaves nothing behind.
/// </summary>
public static class TableLoader
{
    const int ChunkRows = 16_384;

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
                ColumnType.Number or ColumnType.RequiredNumber or ColumnType.Label => new NumberColumn(q.Name, capacity),
                ColumnType.Text => new TextColumn(q.Name),
                ColumnType.Vector => new VectorColumn(q.Name, q.Dimension),
                _ => throw new ArgumentOutOfRangeException(nameof(requests)),
            };
        }
        int expectedFields = reader.Columns.Count;
        var free = new BoundedQueue<Chunk>(3);
        var full = new BoundedQueue<Chunk>(2);
        for (int c = 0; c < 3; c++) free.Add(new Chunk(columns));
        var appender = new Thread(() => Append(full, free, columns)) { IsBackground = true, Name = "Tandem table loader" };
        appender.Start();
        int rows = 0;
        try
        {
            if (!free.Take(out var chunk)) return null!;
            while (reader.Read())
            {
                if (reader.FieldCount != expectedFields)
                {
                    Bad(DataThrow.FieldCountMessage(reader.Source, reader.Line, expectedFields - reader.ComputedColumns, reader.FieldCount - reader.ComputedColumns));
                    continue;
                }
                string? error = chunk.Stage(reader, requests, ordinals);
                if (error is not null)
                {
                    Bad(error);
                    continue;
                }
                rows++;
                if (chunk.Rows == ChunkRows)
                {
                    full.Add(chunk);
                    if (!free.Take(out chunk)) break;
                }
            }
            full.Add(chunk);
        }
        finally
        {
            full.Complete();
            appender.Join();
        }
        // The appender's failure (none expected: interning cannot fail) surfaces here.
        while (full.Take(out _)) { }
        report.RowsRead += rows;
        return new Table(reader.Source, reader.Columns.ToArray(), columns, rows);

        void Bad(string message)
        {
            if (!options.SkipBadRows) DataThrow.Data(message);
            report.Skip(message);
        }
    }

    /// <summary>Opens <paramref name="file"/> (<see cref="RowReaders.Open"/>) and reads <paramref name="requests"/>.</summary>
    public static Table Load(DataFile file, IReadOnlyList<ColumnRequest> requests, ReadOptions options = default, ReadReport? report = null)
    {
        using var reader = RowReaders.Open(file);
        return Load(reader, requests, options, report);
    }

    static void Append(BoundedQueue<Chunk> full, BoundedQueue<Chunk> free, Column[] columns)
    {
        Exception? error = null;
        try
        {
            while (full.Take(out var chunk))
            {
                chunk.AppendTo(columns);
                free.Add(chunk);
            }
        }
        catch (Exception e) { error = e; }
        finally
        {
            // Wakes the reading thread too if it waits for a free chunk that will never come back.
            full.Complete(error);
            free.Complete(error);
        }
    }

    /// <summary>
    /// Validated rows on their way to the columns: numbers parsed, vectors parsed, the text of
    /// categorical and text fields copied into one buffer.
    /// </summary>
    sealed class Chunk
    {
        readonly double[][] numbers;
        readonly float[][] vectors;
        readonly int[][] starts, lengths; // per text-like column: where row r's text is in `text`
        char[] text = new char[1 << 16];
        int used;

        public int Rows { get; private set; }

        public Chunk(Column[] columns)
        {
            numbers = columns.Select(c => c is NumberColumn ? new double[ChunkRows] : []).ToArray();
            vectors = columns.Select(c => c is VectorColumn v ? new float[ChunkRows * v.Dimension] : []).ToArray();
            starts = columns.Select(c => c is KeyColumn or BagColumn or TextColumn ? new int[ChunkRows] : []).ToArray();
            lengths = starts.Select(s => new int[s.Length]).ToArray();
        }

        /// <summary>Adds the reader's current row, or returns the error message and adds nothing.</summary>
        public string? Stage(IRowReader reader, IReadOnlyList<ColumnRequest> requests, int[] ordinals)
        {
            int row = Rows;
            for (int i = 0; i < ordinals.Length; i++)
            {
                var q = requests[i];
                var field = reader[ordinals[i]];
                string? expected = null;
                switch (q.Type)
                {
                    case ColumnType.Number or ColumnType.RequiredNumber:
                        expected = FieldParser.TryNumber(field, out numbers[i][row]);
                        if (expected is null && q.Type == ColumnType.RequiredNumber && double.IsNaN(numbers[i][row])) expected = "a number";
                        if (expected is null && numbers[i][row] < q.Minimum) expected = $"a number of at least {q.Minimum.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                        break;
                    case ColumnType.Label:
                        expected = FieldParser.TryNumber(field, out numbers[i][row]) is null && numbers[i][row] is 0.0 or 1.0 ? null : "a click label, 0 or 1";
                        break;
                    case ColumnType.Vector:
                        expected = FieldParser.TryVector(field, vectors[i].AsSpan(row * q.Dimension, q.Dimension));
                        break;
                }
                if (expected is not null) return DataThrow.FieldMessage(reader.Source, reader.Line, q.Name, expected, field);
            }
            // Only a valid row reaches the text buffer, so a rejected row leaves nothing to undo.
            for (int i = 0; i < ordinals.Length; i++)
            {
                if (starts[i].Length == 0) continue;
                var field = reader[ordinals[i]];
                if (used + field.Length > text.Length) Array.Resize(ref text, Math.Max(text.Length * 2, used + field.Length));
                starts[i][row] = used;
                lengths[i][row] = field.Length;
                field.CopyTo(text.AsSpan(used));
                used += field.Length;
            }
            Rows++;
            return null;
        }

        public void AppendTo(Column[] columns)
        {
            for (int i = 0; i < columns.Length; i++)
            {
                switch (columns[i])
                {
                    case NumberColumn c: c.values.AddRange(numbers[i].AsSpan(0, Rows)); break;
                    case VectorColumn v: v.values.AddRange(vectors[i].AsSpan(0, Rows * v.Dimension)); break;
                    case KeyColumn k:
                        for (int r = 0; r < Rows; r++) k.codes.Add(k.Keys.Intern(Field(i, r)));
                        break;
                    case BagColumn b:
                        for (int r = 0; r < Rows; r++) AppendBag(b, Field(i, r));
                        break;
                    case TextColumn t:
                        for (int r = 0; r < Rows; r++) t.values.Add(Field(i, r).ToString());
                        break;
                }
            }
            Rows = 0;
            used = 0;
        }

        ReadOnlySpan<char> Field(int column, int row) => text.AsSpan(starts[column][row], lengths[column][row]);
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
