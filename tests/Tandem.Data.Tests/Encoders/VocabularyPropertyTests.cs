using CsCheck;
using Tandem.Data.Encoders;

namespace Tandem.Data.Tests.Encoders;

/// <summary>
/// <see cref="Vocabulary.Fit(IReadOnlyDictionary{string, int}, int)"/> as a property (CsCheck): for any
/// counts and minimum count, exactly the values seen at least that often get ids 1..Size-1, each id
/// maps back to its value, ids follow decreasing count (ties in ordinal order) and every other value is 0.
/// </summary>
public class VocabularyPropertyTests
{
    [Fact]
    public void KeptValuesRoundTripInCountOrderAndTheRestAreOutOfVocabulary()
    {
        Gen.Select(Gen.Int[0, 30].Array[0, 60], Gen.Int[1, 6]).Sample((counts, minCount) =>
        {
            var byValue = counts.Select((c, i) => (Value: $"v{i}", Count: c)).ToDictionary(p => p.Value, p => p.Count);
            var vocabulary = Vocabulary.Fit(byValue, minCount);
            var kept = byValue.Where(p => p.Value >= minCount).ToArray();
            Assert.Equal(kept.Length + 1, vocabulary.Size);
            Assert.Null(vocabulary.Token(Vocabulary.OutOfVocabulary));
            for (int id = 1; id < vocabulary.Size; id++)
            {
                string value = vocabulary.Token(id)!;
                Assert.Equal(id, vocabulary[value]);
                if (id > 1)
                {
                    string previous = vocabulary.Token(id - 1)!;
                    Assert.True(byValue[previous] > byValue[value] || byValue[previous] == byValue[value] && string.CompareOrdinal(previous, value) < 0,
                        $"id {id - 1} '{previous}' ({byValue[previous]}) must come before id {id} '{value}' ({byValue[value]})");
                }
            }
            foreach (var (value, count) in byValue)
                if (count < minCount) Assert.Equal(Vocabulary.OutOfVocabulary, vocabulary[value]);
            Assert.Equal(Vocabulary.OutOfVocabulary, vocabulary["never seen"]);
        }, iter: 500);
    }
}
