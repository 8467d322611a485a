namespace Tandem.Data.Text;

/// <summary>
/// Turns text into tokens, each a small bag of ids (a word and its hashed n-grams, or one word
/// piece), in reading order. Immutable after fitting; tokenising is safe from several threads.
/// </summary>
public abstract class TextTokenizer
{
    /// <summary>Number of distinct ids: the token embedding table's rows.</summary>
    public abstract int Cardinality { get; }

    /// <summary>
    /// Appends the first <paramref name="maxTokens"/> tokens of <paramref name="text"/>: each
    /// token's ids to <paramref name="ids"/>, then the new length of <paramref name="ids"/> to
    /// <paramref name="tokenEnds"/>. Returns the number of tokens appended.
    /// </summary>
    public abstract int Tokenize(string text, int maxTokens, List<int> ids, List<int> tokenEnds);

    /// <summary>Writes the fitted state (a kind byte first).</summary>
    public abstract void Save(BinaryWriter writer);

    /// <summary>The flat ids of every token of <paramref name="text"/> (word ids and n-grams alike), for inspection and tests.</summary>
    public int[] Ids(string text, int maxTokens = int.MaxValue)
    {
        var ids = new List<int>();
        Tokenize(text, maxTokens, ids, []);
        return ids.ToArray();
    }
}
