using Tandem.Data.Text;

namespace Tandem.Data.Tests.Text;

public class WordPieceTextTokenizerTests
{
    // Ids are line numbers: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, ...
    static readonly string[] Vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "toy", "story", "st", "##or", "##ies", "(", ")"];

    static WordPieceTextTokenizer Tokenizer() => WordPieceTextTokenizer.Load(TestData.File("vocab.txt", string.Join('\n', Vocab) + "\n"));

    [Fact]
    public void GreedyLongestMatchWithSpecialTokens()
    {
        var t = Tokenizer();
        Assert.Equal(12, t.Cardinality);
        // Lower-cased, punctuation split off; "stories" = st + ##or + ##ies; "1995" is not in the vocabulary.
        Assert.Equal([2, 5, 7, 8, 9, 10, 1, 11, 3], t.Ids("Toy Stories (1995)"));
        Assert.Equal([2, 5, 6, 3], t.Ids("TOY STORY"));
    }

    [Fact]
    public void AccentsAreStrippedAsUncasedBertDoes()
    {
        var t = Tokenizer();
        // "Stôriés" folds to "stories": st + ##or + ##ies.
        Assert.Equal([2, 7, 8, 9, 3], t.Ids("Stôriés"));
    }

    [Fact]
    public void TruncationKeepsTheSeparatorLast()
    {
        Assert.Equal([2, 5, 7, 3], Tokenizer().Ids("Toy Stories (1995)", maxTokens: 4));
    }

    [Fact]
    public void SavedVocabularyNeedsNoFile()
    {
        var t = Tokenizer();
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) t.Save(w);
        stream.Position = 1; // past the kind byte
        using var r = new BinaryReader(stream);
        var loaded = WordPieceTextTokenizer.Load(r);
        Assert.Equal(t.Pieces, loaded.Pieces);
        Assert.Equal(t.Ids("toy stories"), loaded.Ids("toy stories"));
    }

    [Fact]
    public void MissingVocabularyFileNamesIt()
    {
        var e = Assert.Throws<DataException>(() => WordPieceTextTokenizer.Load("/nonexistent/vocab.txt"));
        Assert.StartsWith("/nonexistent/vocab.txt: file not found", e.Message);
    }
}
