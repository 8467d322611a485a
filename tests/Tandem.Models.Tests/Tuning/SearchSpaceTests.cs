using System.Text.Json.Nodes;
using Tandem.Models.Recipes;
using Tandem.Models.Tuning;
using Tandem.Tensors;

namespace Tandem.Models.Tests.Tuning;

public class SearchSpaceTests
{
    [Fact]
    public void SpecsParseAsRangesAndChoices()
    {
        Assert.Equal(new SearchDomain.Range(0.02, 0.5, Log: true, Integer: false), SearchDomain.Parse("0.02..0.5 log", "test"));
        Assert.Equal(new SearchDomain.Range(32, 256, Log: false, Integer: true), SearchDomain.Parse("32..256", "test"));
        var choice = Assert.IsType<SearchDomain.Choice>(SearchDomain.Parse("[64]|[128, 64]", "test"));
        Assert.Equal(["[64]", "[128,64]"], choice.Values.Select(v => v.ToJsonString()));
        var words = Assert.IsType<SearchDomain.Choice>(SearchDomain.Parse("mean|attention", "test"));
        Assert.Equal(["\"mean\"", "\"attention\""], words.Values.Select(v => v.ToJsonString()));
    }

    [Theory]
    [InlineData("0.5..0.02", "minimum must be below")]
    [InlineData("0..1 log", "positive minimum")]
    [InlineData("1..x", "write a range as min..max")]
    [InlineData("1..2 lin", "write a range as min..max")]
    [InlineData("0||1", "empty choice")]
    public void BadSpecsSayWhatToWrite(string spec, string says)
    {
        var e = Assert.Throws<ModelException>(() => SearchDimension.Parse($"task.temperature={spec}"));
        Assert.Contains($"--space 'task.temperature={spec}'", e.Message);
        Assert.Contains(says, e.Message);
    }

    [Fact]
    public void DrawsStayInTheirRangeAtThreeSignificantDigits()
    {
        var range = SearchDomain.Parse("0.0003..0.01 log", "test");
        var whole = SearchDomain.Parse("16..256 log", "test");
        var rng = new Rng(5);
        for (int i = 0; i < 200; i++)
        {
            double x = range.Draw(rng).GetValue<double>();
            Assert.InRange(x, 0.0003, 0.01);
            Assert.Equal(x, double.Parse(x.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(whole.Draw(rng).GetValue<long>(), 16, 256);
        }
    }

    [Fact]
    public void OneSeedDrawsTheSameValuesAndAnotherSeedOthers()
    {
        string Draws(int seed)
        {
            var rng = new Rng(seed);
            return string.Join(";", Enumerable.Range(0, 5).Select(_ => string.Join(",", SearchSpace.Default.Sample(rng).Select(v => v.ToJsonString()))));
        }
        Assert.Equal(Draws(7), Draws(7));
        Assert.NotEqual(Draws(7), Draws(8));
    }

    [Fact]
    public void TiedKeysSetEveryFieldAndTheRestStays()
    {
        var space = SearchSpace.Default.With(SearchDimension.Parse("user.outputDimension,item.outputDimension=32|48"));
        var recipe = new ModelRecipe();
        space.Check(recipe);
        var tuned = space.Apply(recipe, [JsonValue.Create(0.1)!, JsonValue.Create(0.002)!, JsonValue.Create(1e-5)!, JsonValue.Create(0.25)!, JsonNode.Parse("[256]")!, JsonValue.Create(48)!]);
        Assert.Equal(0.1f, tuned.Task.Temperature);
        Assert.Equal(0.002f, tuned.Training.LearningRate);
        Assert.Equal(1e-5f, tuned.Training.WeightDecay);
        Assert.Equal((0.25, 0.25), (tuned.User.Dropout, tuned.Item.Dropout));
        Assert.Equal([256], tuned.User.Hidden);
        Assert.Equal([256], tuned.Item.Hidden);
        Assert.Equal((48, 48), (tuned.User.OutputDimension, tuned.Item.OutputDimension));
        Assert.Equal(recipe.Training.BatchSize, tuned.Training.BatchSize);
    }

    [Theory]
    [InlineData("task.temprature=0.1..0.2", "key 'task.temprature' is not a config key")]
    [InlineData("towers.user.dropout=0..0.5", "key 'towers.user.dropout' is not a config key")]
    [InlineData("split.seed=1..5", "key 'split.seed' cannot be searched")]
    [InlineData("training.epochs=5..50", "key 'training.epochs' cannot be searched")]
    [InlineData("user.dropout=0..1", "field 'user.dropout' is 1")]
    public void ABadKeyOrValueFailsBeforeAnyTrial(string assignment, string says)
    {
        var space = SearchSpace.Default.With(SearchDimension.Parse(assignment));
        var e = Assert.Throws<ModelException>(() => space.Check(new ModelRecipe()));
        Assert.Contains(says, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TheConfigNamesItsSpace()
    {
        var recipe = ModelRecipe.Parse("""{ "tuning": { "space": { "task.temperature": "0.05..0.2 log", "user.hidden,item.hidden": [[32], [64]] } } }""");
        var space = SearchSpace.Of(recipe);
        Assert.Equal(["task.temperature=0.05..0.2 log", "user.hidden,item.hidden=[32]|[64]"], space.Dimensions.Select(d => d.ToString()));
        var e = Assert.Throws<ModelException>(() => ModelRecipe.Parse("""{ "tuning": { "space": { "task.temp": "0.05..0.2" } } }""", "model.json"));
        Assert.Equal("model.json: field 'tuning.space': key 'task.temp' is not a config key; name one of docs/config.md, e.g. task.temperature or user.dropout,item.dropout", e.Message);
        e = Assert.Throws<ModelException>(() => ModelRecipe.Parse("""{ "tuning": { "space": { "task.temperature": 3 } } }""", "model.json"));
        Assert.StartsWith("model.json: field 'tuning.space.task.temperature' is 3;", e.Message);
    }

    [Fact]
    public void RungsHalveTrialsAndMultiplyEpochs()
    {
        // 27 trials, 27 epochs, η 3: 27×1, 9×3, 3×9, 1×27 (each rung 27 epochs).
        Assert.Equal([new(27, 1), new(9, 3), new(3, 9), new(1, 27)], SuccessiveHalving.Rungs(27, 27, 1, 3));
        // 20 trials, 20 epochs, at least 2: 20/9 = 2.2 ≥ 2 allows two halvings: 20×2, 6×7 (20/3 rounded), 2×20.
        Assert.Equal([new(20, 2), new(6, 7), new(2, 20)], SuccessiveHalving.Rungs(20, 20, 2, 3));
        // One trial has nothing to halve.
        Assert.Equal([new Rung(1, 20)], SuccessiveHalving.Rungs(1, 20, 2, 3));
    }
}
