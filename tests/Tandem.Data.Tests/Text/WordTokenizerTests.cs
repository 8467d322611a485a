using Tandem.Tests;
using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Data.Tables;
using Tandem.Data.Tests.Datasets;
using Tandem.Data.Text;

namespace Tandem.Data.Tests.Text;

public class WordTokenizerTests
{
    static readonly Lazy<string[]> Captions = new(() => File.ReadLines(Path.Combine(SharedData.Root, "flickr8k-1k", "captions.txt"))
        .Skip(1).Select(l => l[(l.IndexOf(',') + 1)..]).ToArray());

    static string[] Titles() => MovieLensTests.Small.Value.Items!.Get<TextColumn>("title").Values.ToArray();

    static string[] Words(WordTokenizer t, string text) => t.Ids(text).Select(id => t.Words.Token(id) ?? "?").ToArray();

    [Fact]
    public void MovieLensTitlesSplitIntoLowerCaseWords()
    {
        var t = WordTokenizer.Fit(Titles(), minCount: 1, charNGrams: 0, buckets: 0);
        Assert.Equal(["toy", "story", "1995"], Words(t, "Toy Story (1995)"));
        // Punctuation separates words: "American President, The (1995)".
        Assert.Equal(["american", "president", "the", "1995"], Words(t, "American President, The (1995)"));
        // "the" is in hundreds of titles, so it ranks near the top of the vocabulary.
        Assert.InRange(t.Words["the"], 1, 5);
        Assert.Equal(Vocabulary.OutOfVocabulary, t.Words["zzyzxq"]);
    }

    [Fact]
    public void MinCountSendsRareWordsToTheOutOfVocabularyId()
    {
        var all = WordTokenizer.Fit(Titles(), minCount: 1, charNGrams: 0, buckets: 0);
        var common = WordTokenizer.Fit(Titles(), minCount: 5, charNGrams: 0, buckets: 0);
        Assert.True(common.Cardinality < all.Cardinality / 2, $"{common.Cardinality} of {all.Cardinality}");
        // "Jumanji" is one title in ml-latest-small; "story" is in many.
        Assert.NotEqual(0, all.Words["jumanji"]);
        Assert.Equal(0, common.Words["jumanji"]);
        Assert.NotEqual(0, common.Words["story"]);
    }

    [Fact]
    public void CharacterNGramsFollowEachWordAndAreSharedBySimilarSpellings()
    {
        var t = WordTokenizer.Fit(Titles(), minCount: 1, charNGrams: 3, buckets: 1000);
        var ids = new List<int>();
        var ends = new List<int>();
        Assert.Equal(2, t.Tokenize("Toy dogs", 10, ids, ends));
        // "<toy>" has 5 - 3 + 1 = 3 trigrams, "<dogs>" 4: tokens of 1 + 3 and 1 + 4 ids.
        Assert.Equal([4, 9], ends);
        Assert.Equal(t.Words["toy"], ids[0]);
        Assert.All(ids.Skip(1).Take(3).Concat(ids.Skip(5)), id => Assert.InRange(id, t.Words.Size, t.Cardinality - 1));
        // An unseen word is out of vocabulary but keeps the trigrams it shares: "<st", "sto", "tor".
        var seen = t.Ids("story").Skip(1).ToHashSet();
        var unseen = t.Ids("storyxq");
        Assert.Equal(0, unseen[0]);
        Assert.True(unseen.Skip(1).Count(seen.Contains) >= 3);
    }

    [Fact]
    public void FlickrCaptionsTokeniseAndTruncate()
    {
        var captions = Captions.Value;
        Assert.Equal(5000, captions.Length);
        var t = WordTokenizer.Fit(captions[..4000], minCount: 2, charNGrams: 0, buckets: 0);
        // captions.txt line 2: "A child in a pink dress is climbing up a set of stairs in an entry way ."
        // "entry" is in only this caption, below min count 2, so it is out of vocabulary ("?").
        Assert.Equal(["a", "child", "in", "a", "pink", "dress", "is", "climbing", "up", "a", "set", "of", "stairs", "in", "an", "?", "way"], Words(t, captions[0]));
        Assert.Equal(["a", "child", "in"], t.Ids(captions[0], maxTokens: 3).Select(id => t.Words.Token(id) ?? "?"));
        // Held-out captions are mostly known words.
        var held = captions[4000..].SelectMany(c => t.Ids(c)).ToArray();
        Assert.True(held.Count(id => id != 0) > 0.9 * held.Length);
    }

    [Fact]
    public void TextEncoderRoundTripsOnMovieLensTitles()
    {
        var log = MovieLensTests.Small.Value;
        var spec = new FeatureSpec("title", "title", FeatureKind.Text, Tower.Item) { MinCount = 2, CharNGrams = 4, NGramBuckets = 5000, MaxLength = 8 };
        var train = Enumerable.Range(0, log.Count / 2).ToArray();
        var encoder = (TextEncoder)FeatureEncoder.Fit(spec, log, train);
        var stream = new MemoryStream();
        encoder.Save(stream);
        stream.Position = 0;
        var loaded = (TextEncoder)FeatureEncoder.Load(spec, stream);
        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal(encoder.Tokenizer.Cardinality, loaded.Tokenizer.Cardinality);
        foreach (var title in Titles().Take(500)) Assert.Equal(encoder.Tokenizer.Ids(title, 8), loaded.Tokenizer.Ids(title, 8));
    }

    [Fact]
    public void BadNGramOptionsAreRejected()
    {
        var e = Assert.Throws<DataException>(() => new SchemaBuilder().Text("title", "title", Tower.Item, charNGrams: 2).Build("test"));
        Assert.Contains("feature 'title'", e.Message);
        Assert.Contains("char_ngrams 2", e.Message);
    }
}
