using System.Text.Json;

namespace Tandem.Data.IO;

/// <summary>
/// JSON Lines: one object per line. Columns are the first object's properties; a string
/// field is its text, a number its literal, null or an absent property empty, and an array
/// its elements joined by commas (declare <c>"separator": ","</c> for such a multi-categorical
/// feature, or read it as a vector).
/// </summary>
public sealed class JsonLinesRowReader : IRowReader
{
    readonly TextReader text;
    readonly string[] columns;
    readonly string[] values;
    long line;
    string? pending;

    /// <summary>Opens <paramref name="path"/>.</summary>
    public JsonLinesRowReader(string path) : this(CsvRowReader.OpenText(path), path) { }

    /// <summary>Reads from <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public JsonLinesRowReader(TextReader text, string source)
    {
        this.text = text;
        Source = source;
        pending = NextNonEmpty();
        if (pending is null) { columns = []; values = []; return; }
        using var doc = Parse(pending);
        columns = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        values = new string[columns.Length];
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Columns => columns;

    /// <inheritdoc/>
    public long Line => line;

    /// <inheritdoc/>
    public int FieldCount => values.Length;

    /// <inheritdoc/>
    public ReadOnlySpan<char> this[int ordinal] => values[ordinal];

    /// <inheritdoc/>
    public bool Read()
    {
        string? json = pending ?? NextNonEmpty();
        pending = null;
        if (json is null) return false;
        using var doc = Parse(json);
        Array.Fill(values, "");
        for (int i = 0; i < columns.Length; i++)
            if (doc.RootElement.TryGetProperty(columns[i], out var v)) values[i] = Text(v);
        return true;
    }

    string? NextNonEmpty()
    {
        string? s;
        do
        {
            s = text.ReadLine();
            if (s is null) return null;
            line++;
        } while (string.IsNullOrWhiteSpace(s));
        return s;
    }

    JsonDocument Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            DataThrow.Malformed(Source, line, $"invalid JSON ({e.Message})");
            throw;
        }
        var kind = doc.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            doc.Dispose();
            DataThrow.Malformed(Source, line, $"expected a JSON object, found {kind}");
        }
        return doc;
    }

    static string Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Null => "",
        JsonValueKind.Array => string.Join(",", v.EnumerateArray().Select(Text)),
        _ => v.GetRawText(),
    };

    /// <inheritdoc/>
    public void Dispose() => text.Dispose();
}
