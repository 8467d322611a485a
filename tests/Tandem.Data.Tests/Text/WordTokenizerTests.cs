using Tandem.Data.Text;

namespace Tandem.Data.Tests.Text;

public class WordTokenizerTests
{
    [Fact]
    public void WordsAreLowerCasedRunsOfLettersAndDigits()
    {
        Assert.Equal(["a", "dog", "s", "ball", "2", "red"], WordTokenizer.Words("A dog's ball , 2 RED."));
    }

    [Fact]
    public void IdsFollowTrainingCountsAndUnseenWordsAreZero()
    {
        var tokenizer = WordTokenizer.Fit(["a dog runs", "a dog sits", "a cat"], minCount: 2);
        // counts: a 3, dog 2 (kept); runs, sits, cat 1 (dropped): ids a = 1, dog = 2, and 0 for the rest
        Assert.Equal(3, tokenizer.Size);
        var ids = new List<int>();
        tokenizer.Encode("A cat and a DOG", ids);
        Assert.Equal([1, 0, 0, 1, 2], ids);
    }
}
