using Tandem.Data.Encoders;
using Tandem.Data.Splits;
using Tandem.Models.Towers;

namespace Tandem.Models.Tests.Training;

public class LeaveOneOutTests
{
    [Fact]
    public void HistoryIsTheUsersTrainingItemsMinusTheExample()
    {
        var log = Planted.Log();
        var split = Splitter.PerUserRandom(log, 0.25, seed: 11);
        var fitted = FittedFeatures.Fit(log, split.Train);
        var data = fitted.Encode(log, split.Train);
        using var users = new UserInputs(log, fitted, data, split.Train);
        var rows = split.Train.Where(r => log.UserCodes[r] == 0).ToArray(); // user 0's 6 training rows
        var batch = data.CreateBatch();
        data.Fill(batch, rows, users.LeaveOneOutGathers);
        var input = TowerInput.From(batch);
        var own = batch["item"].Ids.Take(rows.Length).ToArray();
        var vocabulary = ((CategoricalEncoder)fitted["history"]).Vocabulary!;
        var itemVocabulary = ((CategoricalEncoder)fitted["item"]).Vocabulary!;
        var h = input["history"];
        for (int b = 0; b < rows.Length; b++)
        {
            // MaxLength 5 of the 5 other training items: all of them, never the example's own.
            Assert.Equal(5, h.Lengths[b]);
            var keys = h.Ids.Skip(b * 5).Take(5).Select(id => vocabulary.Token(id)).ToHashSet();
            var expected = own.Where((_, i) => i != b).Select(id => itemVocabulary.Token(id)).ToHashSet();
            Assert.Equal(expected, keys);
        }
    }
}
