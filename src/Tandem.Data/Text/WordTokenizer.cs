using System.Globalization;
using Tandem.Data.Encoders;

namespace Tandem.Data.Text;

/// <summary>
/// Lower-cased words (runs of letters and digits) looked up in a vocabulary fitted on the
/// training text, each token carrying, when <see cref="CharNGrams"/> ≥ 3, fastText's hashed
/// character n-grams of <c>&lt;word&gt;</c> (n = 3..CharNGrams), so an unseen word still
/// shares vectors with words spelled alike. Ids: 0 the out-of-vocabulary word, 1..V the
/// words, then <see cref="Buckets"/> n-gram buckets.
/// </summary>
public sealed class WordTokenizer : TextTokenizer
{
    internal const byte Kind = 1;

    WordTokenizer(Vocabulary words, int charNGrams, int buckets)
    {
        Words = words;
        CharNGrams = charNGrams;
        Buckets = charNGrams >= 3 ? buckets : 0;
    }

    /// <summary>The word vocabulary (id 0: out of vocabulary).</summary>
    public Vocabulary Words { get; }
    /// <summary>Longest n-gram; 0 for none.</summary>
    public int CharNGrams { get; }
    /// <summary>n-gram hash buckets; 0 without n-grams.</summary>
    public int Buckets { get; }

    /// <inheritdoc/>
    public override int Cardinality => Words.Size + Buckets;

    /// <summary>Fits the word vocabulary on <paramref name="texts"/>: words seen at least <paramref name="minCount"/> times.</summary>
    public static WordTokenizer Fit(IEnumerable<string> texts, int minCount, int charNGrams, int buckets)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[256];
        foreach (var text in texts)
            for (int start = 0; NextWord(text, ref start, buffer, out var word);)
            {
                lookup.TryGetValue(word, out int c);
                lookup[word] = c + 1;
            }
        return new WordTokenizer(Vocabulary.Fit(counts, minCount), charNGrams, buckets);
    }

    /// <inheritdoc/>
    public override int Tokenize(string text, int maxTokens, List<int> ids, List<int> tokenEnds)
    {
        Span<char> buffer = stackalloc char[256];
        Span<char> marked = stackalloc char[258];
        int tokens = 0;
        for (int start = 0; tokens < maxTokens && NextWord(text, ref start, buffer, out var word); tokens++)
        {
            ids.Add(Words[word]);
            if (Buckets > 0)
            {
                marked[0] = '<';
                word.CopyTo(marked[1..]);
                marked[word.Length + 1] = '>';
                var w = marked[..(word.Length + 2)];
                for (int n = 3; n <= CharNGrams; n++)
                    for (int i = 0; i + n <= w.Length; i++)
                        ids.Add(Words.Size + (int)(StableHash.Fnv1a(w.Slice(i, n)) % (uint)Buckets));
            }
            tokenEnds.Add(ids.Count);
        }
        return tokens;
    }

    /// <summary>The next lower-cased word at or after <paramref name="start"/> (truncated to the buffer), advancing past it.</summary>
    static bool NextWord(string text, ref int start, Span<char> buffer, out ReadOnlySpan<char> word)
    {
        while (start < text.Length && !char.IsLetterOrDigit(text[start])) start++;
        int end = start;
        while (end < text.Length && char.IsLetterOrDigit(text[end])) end++;
        int length = Math.Min(end - start, buffer.Length);
        text.AsSpan(start, length).ToLower(buffer, CultureInfo.InvariantCulture);
        word = buffer[..length];
        start = end;
        return length > 0;
    }

    /// <inheritdoc/>
    public override void Save(BinaryWriter writer)
    {
        writer.Write(Kind);
        writer.Write(CharNGrams);
        writer.Write(Buckets);
        Words.Save(writer);
    }

    internal static WordTokenizer Load(BinaryReader reader)
    {
        int n = reader.ReadInt32(), buckets = reader.ReadInt32();
        if (n is < 0 or 1 or 2 || buckets < 0) DataThrow.Corrupt("word tokenizer", $"char n-grams {n}, buckets {buckets}");
        return new WordTokenizer(Vocabulary.Load(reader), n, buckets);
    }
}
