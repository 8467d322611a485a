using Tandem.Data.Encoders;
using Tandem.Data.Tables;

namespace Tandem.Data.Text;

/// <summary>
/// The simplest text tokenizer: lower-cased runs of letters and digits, each a word, with ids
/// from a <see cref="Vocabulary"/> fitted on training text (unseen or rare words map to id 0).
/// Immutable after fitting; safe from several threads.
/// </summary>
public sealed class WordTokenizer
{
    readonly Vocabulary vocabulary;

    WordTokenizer(Vocabulary vocabulary) => this.vocabulary = vocabulary;

    /// <summary>Ids, including the out-of-vocabulary id 0.</summary>
    public int Size => vocabulary.Size;

    /// <summary>Fits the vocabulary on the words of <paramref name="texts"/> seen at least <paramref name="minCount"/> times.</summary>
    public static WordTokenizer Fit(IEnumerable<string> texts, int minCount = 1)
    {
        var keys = new KeyDictionary();
        var counts = new List<int>();
        foreach (var text in texts)
            foreach (var word in Words(text))
            {
                int code = keys.Intern(word);
                if (code == counts.Count) counts.Add(0);
                counts[code]++;
            }
        return new WordTokenizer(Vocabulary.Fit(keys, counts.ToArray(), minCount));
    }

    /// <summary>Appends the ids of <paramref name="text"/>'s words to <paramref name="ids"/>.</summary>
    public void Encode(string text, List<int> ids)
    {
        foreach (var word in Words(text)) ids.Add(vocabulary[word]);
    }

    /// <summary>The lower-cased words of <paramref name="text"/>.</summary>
    public static IEnumerable<string> Words(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i])) i++;
            int start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i])) i++;
            if (i > start) yield return text[start..i].ToLowerInvariant();
        }
    }
}
