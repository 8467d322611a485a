using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Data.Schema;

namespace Tandem.Data.IO;

/// <summary>
/// <see cref="DataFile"/> in System.Text.Json configs (the CLI's <c>"data"</c>): a path string or an
/// object, read by the same rules as schema files; written back as a string when only the path is set.
/// </summary>
sealed class DataFileJsonConverter : JsonConverter<DataFile>
{
    /// <inheritdoc/>
    public override DataFile Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        const string source = "config";
        using var doc = JsonDocument.ParseValue(ref reader);
        try
        {
            return SchemaJson.File(doc.RootElement, source, "the file", null);
        }
        catch (DataException e) when (e.Message.StartsWith(source + ": ", StringComparison.Ordinal))
        {
            // The caller names the config file, line and property (the serializer sets them), so the message drops its source.
            throw new JsonException(e.Message[(source.Length + 2)..], e);
        }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DataFile value, JsonSerializerOptions options)
    {
        if (value == new DataFile(value.Path))
        {
            writer.WriteStringValue(value.Path);
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("path", value.Path);
        if (!value.Header) writer.WriteBoolean("header", false);
        if (value.Columns is not null) WriteStrings(writer, "columns", value.Columns);
        if (value.Separator is not null) writer.WriteString("separator", value.Separator);
        if (value.Encoding is not null) writer.WriteString("encoding", value.Encoding);
        if (value.Flags is not null)
        {
            writer.WriteStartObject("flags");
            foreach (var (name, flags) in value.Flags) WriteStrings(writer, name, flags);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string v in values) writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}
