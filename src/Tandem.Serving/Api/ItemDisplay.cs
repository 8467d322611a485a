using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving.Api;

/// <summary>
/// One item's display fields as written in an answer: a JSON object with a string per
/// single-valued field and an array of strings per list field (<c>{ "title": "Heat (1995)",
/// "genres": ["Action", "Crime"] }</c>); fields the item has no value for are left out. Written
/// straight from the catalogue's columns, so an answer copies no field values.
/// </summary>
[JsonConverter(typeof(ItemDisplayConverter))]
public readonly struct ItemDisplay(ItemFields fields, int row)
{
    /// <summary>The catalogue's fields.</summary>
    public ItemFields Fields { get; } = fields;
    /// <summary>The item's row in <see cref="Fields"/>.</summary>
    public int Row { get; } = row;
}

/// <summary>Writes an <see cref="ItemDisplay"/>; answers are never read back, so reading is not supported.</summary>
sealed class ItemDisplayConverter : JsonConverter<ItemDisplay>
{
    public override ItemDisplay Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Item fields are only written.");

    public override void Write(Utf8JsonWriter writer, ItemDisplay value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var field in value.Fields.Fields)
        {
            var codes = field.CodesOf(value.Row);
            if (!field.IsList)
            {
                if (codes.Length > 0) writer.WriteString(field.Name, field.Values[codes[0]]);
                continue;
            }
            writer.WriteStartArray(field.Name);
            foreach (int code in codes) writer.WriteStringValue(field.Values[code]);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
