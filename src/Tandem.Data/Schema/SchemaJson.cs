using System.Text.Json;
using Tandem.Data.IO;

namespace Tandem.Data.Schema;

/// <summary>
/// Reads a <see cref="FeatureSchema"/> from the JSON config the CLI takes
/// (<c>tandem train --config movielens.json</c>):
/// <code>
/// {
///   "data": { "interactions": "ratings.csv", "items": "movies.csv" },
///   // or, for a file without a header: "interactions": { "path": "u.data", "header": false, "columns": ["userId", "movieId", "rating", "timestamp"], "separator": "\t" }
///   "interactions": { "user": "userId", "item": "movieId", "timestamp": "timestamp", "rating": "rating" },
///   "weighting": { "kind": "recency", "half_life_days": 90 },
///   "features": [
///     { "name": "user", "column": "userId", "kind": "id", "tower": "user" },
///     { "name": "genres", "column": "genres", "kind": "multi_categorical", "tower": "item", "separator": "|", "pooling": "mean" },
///     { "name": "time", "column": "timestamp", "kind": "timestamp", "parts": ["hour_of_day", "day_of_week"] },
///     { "name": "history", "column": "movieId", "kind": "sequence", "max_length": 50 }
///   ]
/// }
/// </code>
/// Names are snake_case; an unknown property or value is an error that lists the valid ones.
/// </summary>
public static partial class SchemaJson
{
    /// <summary>Reads the config file at <paramref name="path"/>; data paths are resolved against its folder.</summary>
    /// <exception cref="DataException">The file is missing, not JSON, or declares something invalid.</exception>
    public static FeatureSchema Load(string path)
    {
        if (!System.IO.File.Exists(path)) DataThrow.FileNotFound(path, "pass the path of a JSON config");
        return Parse(System.IO.File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parses <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    public static FeatureSchema Parse(string json, string source = "config", string? baseDirectory = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            DataThrow.Config(source, $"invalid JSON at line {e.LineNumber + 1}: {e.Message}");
            throw;
        }
        using (doc)
        {
            var root = doc.RootElement;
            Expect(root, JsonValueKind.Object, source, "the config");
            Known(root, source, "the config", "data", "interactions", "weighting", "features");
            var builder = new SchemaBuilder();
            if (root.TryGetProperty("data", out var data))
            {
                Known(data, source, "\"data\"", "interactions", "users", "items");
                DataFile? Entry(string name) => data.TryGetProperty(name, out var f) ? File(f, source, $"\"data\": \"{name}\"", baseDirectory) : null;
                builder.Files(new DataFiles { Interactions = Entry("interactions"), Users = Entry("users"), Items = Entry("items") });
            }
            if (root.TryGetProperty("interactions", out var ic))
            {
                const string where = "\"interactions\"";
                Known(ic, source, where, "user", "item", "timestamp", "rating", "label");
                builder.Interactions(String(ic, "user", source, where), String(ic, "item", source, where),
                    String(ic, "timestamp", source, where), String(ic, "rating", source, where), String(ic, "label", source, where));
            }
            if (root.TryGetProperty("weighting", out var w))
            {
                Known(w, source, "\"weighting\"", "kind", "half_life_days");
                var kind = Enum<WeightingKind>(String(w, "kind", source, "\"weighting\"") ?? "none", source, "\"weighting\"", "kind");
                builder.Weighting(new Weighting(kind, w.TryGetProperty("half_life_days", out var h) ? Number(h, source, "\"weighting\"", "half_life_days") : 0));
            }
            if (root.TryGetProperty("features", out var features))
            {
                Expect(features, JsonValueKind.Array, source, "\"features\"");
                foreach (var f in features.EnumerateArray()) builder.Add(Feature(f, source, baseDirectory));
            }
            return builder.Build(source);
        }
    }

    static FeatureSpec Feature(JsonElement f, string source, string? baseDirectory)
    {
        Expect(f, JsonValueKind.Object, source, "a feature");
        string name = String(f, "name", source, "a feature") ?? Fail<string>(source, "a feature has no \"name\"");
        string where = $"feature '{name}'";
        Known(f, source, where, "name", "column", "kind", "tower", "min_count", "hash_buckets", "separator", "pooling",
            "transform", "bins", "missing", "parts", "max_length", "dimension", "char_ngrams", "ngram_buckets", "vocabulary_file");
        var kind = Enum<FeatureKind>(String(f, "kind", source, where) ?? Fail<string>(source, $"{where} has no \"kind\""), source, where, "kind");
        var defaultTower = kind is FeatureKind.Timestamp ? Tower.Context : kind is FeatureKind.Sequence ? Tower.User : Tower.Context;
        var spec = new FeatureSpec(name, String(f, "column", source, where) ?? name, kind,
            f.TryGetProperty("tower", out var t) ? Enum<Tower>(Str(t, source, where, "tower"), source, where, "tower") : defaultTower);
        if (f.TryGetProperty("min_count", out var v)) spec = spec with { MinCount = Int(v, source, where, "min_count") };
        if (f.TryGetProperty("hash_buckets", out v)) spec = spec with { HashBuckets = Int(v, source, where, "hash_buckets") };
        if (f.TryGetProperty("separator", out v)) spec = spec with { Separator = Str(v, source, where, "separator") };
        if (f.TryGetProperty("pooling", out v)) spec = spec with { Pooling = Enum<Pooling>(Str(v, source, where, "pooling"), source, where, "pooling") };
        if (f.TryGetProperty("transform", out v)) spec = spec with { Transform = Enum<NumericTransform>(Str(v, source, where, "transform"), source, where, "transform") };
        if (f.TryGetProperty("bins", out v)) spec = spec with { Bins = Int(v, source, where, "bins") };
        if (f.TryGetProperty("missing", out v)) spec = spec with { Missing = Enum<MissingPolicy>(Str(v, source, where, "missing"), source, where, "missing") };
        if (f.TryGetProperty("max_length", out v)) spec = spec with { MaxLength = Int(v, source, where, "max_length") };
        if (f.TryGetProperty("dimension", out v)) spec = spec with { Dimension = Int(v, source, where, "dimension") };
        if (f.TryGetProperty("char_ngrams", out v)) spec = spec with { CharNGrams = Int(v, source, where, "char_ngrams") };
        if (f.TryGetProperty("ngram_buckets", out v)) spec = spec with { NGramBuckets = Int(v, source, where, "ngram_buckets") };
        if (f.TryGetProperty("vocabulary_file", out v)) spec = spec with { VocabularyFile = Resolve(Str(v, source, where, "vocabulary_file"), baseDirectory) };
        if (f.TryGetProperty("parts", out v))
        {
            Expect(v, JsonValueKind.Array, source, $"{where}: \"parts\"");
            var parts = TimestampParts.None;
            foreach (var p in v.EnumerateArray()) parts |= Enum<TimestampParts>(Str(p, source, where, "parts"), source, where, "parts");
            spec = spec with { Parts = parts };
        }
        return spec;
    }

    /// <summary>
    /// A data file: a path, or an object naming how to read it (<see cref="DataFile"/>):
    /// <c>{ "path": "u.data", "header": false, "columns": [...], "separator": "\t", "encoding": "latin1", "flags": { "genres": [...] } }</c>.
    /// A relative path is resolved against <paramref name="baseDirectory"/> when given.
    /// </summary>
    internal static DataFile File(JsonElement e, string source, string where, string? baseDirectory)
    {
        if (e.ValueKind is not JsonValueKind.String and not JsonValueKind.Object)
            DataThrow.Config(source, $"{where}: expected a path or an object such as {{ \"path\": \"u.data\", \"header\": false, \"columns\": [...] }}, found {e.GetRawText()}");
        var file = e.ValueKind == JsonValueKind.String ? new DataFile(e.GetString()!) : FileObject(e, source, where);
        return baseDirectory is null ? file : file.Resolve(baseDirectory);
    }

    static DataFile FileObject(JsonElement e, string source, string where)
    {
        Known(e, source, where, "path", "header", "columns", "separator", "encoding", "flags");
        var file = new DataFile(String(e, "path", source, where) ?? Fail<string>(source, $"{where} has no \"path\""));
        if (e.TryGetProperty("header", out var v))
        {
            if (v.ValueKind is not JsonValueKind.True and not JsonValueKind.False) DataThrow.Config(source, $"{where}: \"header\" must be true or false, found {v.GetRawText()}");
            file = file with { Header = v.GetBoolean() };
        }
        if (e.TryGetProperty("columns", out v)) file = file with { Columns = Strings(v, source, where, "columns") };
        if (e.TryGetProperty("separator", out v)) file = file with { Separator = Str(v, source, where, "separator") };
        if (e.TryGetProperty("encoding", out v)) file = file with { Encoding = Str(v, source, where, "encoding") };
        if (e.TryGetProperty("flags", out v))
        {
            Expect(v, JsonValueKind.Object, source, $"{where}: \"flags\"");
            var flags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var p in v.EnumerateObject())
                if (!flags.TryAdd(p.Name, Strings(p.Value, source, where, $"flags.{p.Name}")))
                    DataThrow.Config(source, $"{where}: \"flags\" names '{p.Name}' twice");
            file = file with { Flags = flags };
        }
        return file;
    }

    static string[] Strings(JsonElement v, string source, string where, string property)
    {
        Expect(v, JsonValueKind.Array, source, $"{where}: \"{property}\"");
        return v.EnumerateArray().Select(s => Str(s, source, where, property)).ToArray();
    }

    /// <summary>snake_case to the enum member: "multi_categorical" → MultiCategorical, "zscore" → ZScore.</summary>
    static T Enum<T>(string text, string source, string where, string property) where T : struct, System.Enum
    {
        string key = text.Replace("_", "").Replace("-", "");
        foreach (var value in System.Enum.GetValues<T>())
            if (string.Equals(value.ToString(), key, StringComparison.OrdinalIgnoreCase) && value.ToString() is not "None" and not "All")
                return value;
        var valid = System.Enum.GetValues<T>().Select(v => v.ToString()).Where(v => v is not "None" and not "All").Select(Snake);
        return Fail<T>(source, $"{where}: unknown {property} \"{text}\"; expected one of {string.Join(", ", valid)}");
    }

    internal static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 && !char.IsUpper(pascal[i - 1]) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    static void Known(JsonElement e, string source, string where, params string[] names)
    {
        Expect(e, JsonValueKind.Object, source, where);
        foreach (var p in e.EnumerateObject())
            if (Array.IndexOf(names, p.Name) < 0)
                DataThrow.Config(source, $"{where}: unknown property \"{p.Name}\"; expected one of {string.Join(", ", names)}");
    }

    static void Expect(JsonElement e, JsonValueKind kind, string source, string where)
    {
        if (e.ValueKind != kind) DataThrow.Config(source, $"{where}: expected a JSON {kind.ToString().ToLowerInvariant()}, found {e.ValueKind.ToString().ToLowerInvariant()}");
    }

    static string? String(JsonElement e, string property, string source, string where) =>
        e.TryGetProperty(property, out var v) ? Str(v, source, where, property) : null;

    static string Str(JsonElement v, string source, string where, string property)
    {
        if (v.ValueKind != JsonValueKind.String) DataThrow.Config(source, $"{where}: \"{property}\" must be a string, found {v.GetRawText()}");
        return v.GetString()!;
    }

    static int Int(JsonElement v, string source, string where, string property)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)) return i;
        return Fail<int>(source, $"{where}: \"{property}\" must be an integer, found {v.GetRawText()}");
    }

    static double Number(JsonElement v, string source, string where, string property)
    {
        if (v.ValueKind != JsonValueKind.Number) DataThrow.Config(source, $"{where}: \"{property}\" must be a number, found {v.GetRawText()}");
        return v.GetDouble();
    }

    static string? Resolve(string? path, string? baseDirectory) =>
        path is null || baseDirectory is null || Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);

    static T Fail<T>(string source, string message)
    {
        DataThrow.Config(source, message);
        return default!;
    }
}
