using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>
/// Values seen at least a minimum number of times in training, each with an id from 1 in order
/// of decreasing count (ties in ordinal order, so fitting is deterministic). Id 0 is the
/// out-of-vocabulary row: every unseen or rare value maps there, never to an exception.
/// Immutable after fitting; lookups are safe from several threads.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The id of every value not in the vocabulary.</summary>
    public const int OutOfVocabulary = 0;

    readonly string[] tokens;
    readonly Dictionary<string, int> ids;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;

    Vocabulary(string[] tokens)
    {
        this.tokens = tokens;
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++) ids.Add(tokens[i], i + 1);
        lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of ids including the out-of-vocabulary row.</summary>
    public int Size => tokens.Length + 1;

    /// <summary>The id of <paramref name="value"/>, or <see cref="OutOfVocabulary"/>.</summary>
    public int this[ReadOnlySpan<char> value] => lookup.TryGetValue(value, out int id) ? id : OutOfVocabulary;

    /// <summary>The value with id <paramref name="id"/> (1-based); null for the out-of-vocabulary row.</summary>
    public string? Token(int id) => id == OutOfVocabulary ? null : tokens[id - 1];

    /// <summary>Fits on <paramref name="counts"/>[code] occurrences of each key of <paramref name="keys"/>.</summary>
    public static Vocabulary Fit(KeyDictionary keys, ReadOnlySpan<int> counts, int minCount)
    {
        var byValue = new Dictionary<string, int>(counts.Length, StringComparer.Ordinal);
        for (int code = 0; code < counts.Length; code++) byValue[keys[code]] = counts[code];
        return Fit(byValue, minCount);
    }

    /// <summary>Fits on <paramref name="counts"/>, the training occurrences of each value.</summary>
    public static Vocabulary Fit(IReadOnlyDictionary<string, int> counts, int minCount)
    {
        var kept = counts.Where(c => c.Value >= minCount).ToList();
        kept.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        return new Vocabulary(kept.Select(c => c.Key).ToArray());
    }

    /// <summary>Writes the tokens.</summary>
    public void Save(BinaryWriter writer) => WriteStrings(writer, tokens);

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    /// <exception cref="DataException">The stream is truncated or holds an impossible length.</exception>
    public static Vocabulary Load(BinaryReader reader) => new(ReadStrings(reader, "vocabulary"));

    /// <summary>A count, then each string: the saved form of a list of tokens.</summary>
    internal static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> strings)
    {
        writer.Write(strings.Count);
        foreach (var t in strings) writer.Write(t);
    }

    /// <summary>Reads what <see cref="WriteStrings"/> wrote, checking the count against the stream (<paramref name="what"/> names it in errors).</summary>
    internal static string[] ReadStrings(BinaryReader reader, string what)
    {
        int n = reader.ReadInt32();
        if (n < 0 || n > reader.BaseStream.Length) DataThrow.Corrupt(what, $"{n} tokens");
        var strings = new string[n];
        for (int i = 0; i < n; i++) strings[i] = reader.ReadString();
        return strings;
    }
}
