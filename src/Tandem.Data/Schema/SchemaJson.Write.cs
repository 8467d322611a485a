using System.Text.Json;
using Tandem.Data.IO;

namespace Tandem.Data.Schema;

public static partial class SchemaJson
{
    /// <summary>
    /// <paramref name="schema"/> as the JSON <see cref="Parse"/> reads back to an equal schema (a
    /// model file stores it so the model rebuilds without the original file). Options at their
    /// defaults are left out.
    /// </summary>
    public static string Write(FeatureSchema schema)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            var files = schema.Files;
            if (files.Interactions is not null || files.Users is not null || files.Items is not null)
            {
                w.WriteStartObject("data");
                File(w, "interactions", files.Interactions);
                File(w, "users", files.Users);
                File(w, "items", files.Items);
                w.WriteEndObject();
            }
            var ic = schema.Interactions;
            w.WriteStartObject("interactions");
            Text(w, "user", ic.User);
            Text(w, "item", ic.Item);
            Text(w, "timestamp", ic.Timestamp);
            Text(w, "rating", ic.Rating);
            Text(w, "label", ic.Label);
            w.WriteEndObject();
            if (schema.Weighting.Kind != WeightingKind.None)
            {
                w.WriteStartObject("weighting");
                w.WriteString("kind", Snake(schema.Weighting.Kind.ToString()));
                if (schema.Weighting.HalfLifeDays != 0) w.WriteNumber("half_life_days", schema.Weighting.HalfLifeDays);
                w.WriteEndObject();
            }
            w.WriteStartArray("features");
            foreach (var f in schema.Features) Feature(w, f);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void Feature(Utf8JsonWriter w, FeatureSpec f)
    {
        var d = new FeatureSpec(f.Name, f.Column, f.Kind, f.Tower);
        w.WriteStartObject();
        w.WriteString("name", f.Name);
        w.WriteString("column", f.Column);
        w.WriteString("kind", Snake(f.Kind.ToString()));
        w.WriteString("tower", Snake(f.Tower.ToString()));
        if (f.MinCount != d.MinCount) w.WriteNumber("min_count", f.MinCount);
        if (f.HashBuckets != d.HashBuckets) w.WriteNumber("hash_buckets", f.HashBuckets);
        if (f.Separator != d.Separator) w.WriteString("separator", f.Separator);
        if (f.Pooling != d.Pooling) w.WriteString("pooling", Snake(f.Pooling.ToString()));
        if (f.Transform != d.Transform) w.WriteString("transform", Snake(f.Transform.ToString()));
        if (f.Bins != d.Bins) w.WriteNumber("bins", f.Bins);
        if (f.Missing != d.Missing) w.WriteString("missing", Snake(f.Missing.ToString()));
        if (f.Parts != d.Parts)
        {
            w.WriteStartArray("parts");
            foreach (var part in System.Enum.GetValues<TimestampParts>())
                if (part is not TimestampParts.None and not TimestampParts.All && f.Parts.HasFlag(part)) w.WriteStringValue(Snake(part.ToString()));
            w.WriteEndArray();
        }
        if (f.MaxLength != d.MaxLength) w.WriteNumber("max_length", f.MaxLength);
        if (f.Dimension != d.Dimension) w.WriteNumber("dimension", f.Dimension);
        if (f.CharNGrams != d.CharNGrams) w.WriteNumber("char_ngrams", f.CharNGrams);
        if (f.NGramBuckets != d.NGramBuckets) w.WriteNumber("ngram_buckets", f.NGramBuckets);
        Text(w, "vocabulary_file", f.VocabularyFile);
        w.WriteEndObject();
    }

    static void File(Utf8JsonWriter w, string name, DataFile? file)
    {
        if (file is null) return;
        w.WritePropertyName(name);
        JsonSerializer.Serialize(w, file);
    }

    static void Text(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }
}
