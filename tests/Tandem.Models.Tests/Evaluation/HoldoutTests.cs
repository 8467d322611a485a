using Tandem.Data.Encoders;
using Tandem.Data.IO;
using Tandem.Data.Schema;
using Tandem.Data.Tables;
using Tandem.Models.Evaluation;

namespace Tandem.Models.Tests.Evaluation;

public class HoldoutTests
{
    [Fact]
    public void ARepeatOfATrainingInteractionIsNotHeldOut()
    {
        // Rows: 0 (u1, 10), 1 (u1, 11), 2 (u1, 10) again, 3 (u2, 11), 4 (u2, 12); train 0, 1, 3; test 2, 4.
        var schema = new SchemaBuilder().Interactions(user: "userId", item: "movieId")
            .Id("user", "userId", Tower.User).Id("item", "movieId", Tower.Item).Build("test");
        using var reader = new CsvRowReader(new StringReader("userId,movieId\n1,10\n1,11\n1,10\n2,11\n2,12\n"), "log.csv");
        var log = InteractionLog.Load(schema, reader, null, null);
        int[] train = [0, 1, 3], test = [2, 4];
        var fitted = FittedFeatures.Fit(log, train);
        var data = fitted.Encode(log, train);
        using var items = new ItemInputs(data, train, "item");
        var vocabulary = ((CategoricalEncoder)fitted["item"]).Vocabulary!;
        var holdout = new Holdout(log, train, test, items, id => vocabulary.Token(id)!);
        int u1 = log.UserKeys!.CodeOf("1"), u2 = log.UserKeys.CodeOf("2");
        // Catalogue: movies 10 and 11 (indices 0, 1); 12 is never in training, so cold (index 2).
        Assert.Equal([0, 1], holdout.Excluded[u1].ToArray());
        Assert.Empty(holdout.HeldOut[u1].ToArray());
        Assert.Equal([2], holdout.HeldOut[u2].ToArray());
        Assert.Equal(1, holdout.ColdItems);
    }
}
