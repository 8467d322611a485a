using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Towers;

public class TowerTests
{
    static FittedFeatures Fitted()
    {
        var log = Planted.Log();
        return FittedFeatures.Fit(log, Enumerable.Range(0, log.Count).ToArray());
    }

    [Fact]
    public void UserTowerRejectsItemFeatures()
    {
        var e = Assert.Throws<ModelException>(() => EncoderTower.Create(Fitted(), Tower.User, new TowerOptions { Features = ["user", "genres"] }, new Random(1)));
        Assert.Contains("'genres' is an item feature; the user tower cannot read it", e.Message);
    }

    [Fact]
    public void ItemTowerRejectsUserAndHistoryFeatures()
    {
        var fitted = Fitted();
        Assert.Throws<ModelException>(() => EncoderTower.Create(fitted, Tower.Item, new TowerOptions { Features = ["item", "user"] }, new Random(1)));
        Assert.Throws<ModelException>(() => EncoderTower.Create(fitted, Tower.Item, new TowerOptions { Features = ["history"] }, new Random(1)));
    }

    [Fact]
    public void DefaultFeaturesStayOnTheirSide()
    {
        var fitted = Fitted();
        var user = EncoderTower.Create(fitted, Tower.User, new TowerOptions(), new Random(1));
        var item = EncoderTower.Create(fitted, Tower.Item, new TowerOptions(), new Random(1));
        Assert.Equal(["user", "history"], user.Modules.Select(m => m.Spec.Name));
        Assert.Equal(["item", "genres"], item.Modules.Select(m => m.Spec.Name));
    }

    [Fact]
    public void UnknownFeatureIsNamed()
    {
        var e = Assert.Throws<ModelException>(() => EncoderTower.Create(Fitted(), Tower.User, new TowerOptions { Features = ["age"] }, new Random(1)));
        Assert.Contains("'age'", e.Message);
    }

    [Theory]
    [InlineData(Activation.Relu, Normalization.None, 0f)]
    [InlineData(Activation.Gelu, Normalization.Layer, 0.2f)]
    [InlineData(Activation.Relu, Normalization.Batch, 0f)]
    public void OutputsUnitRowsOfTheOutputWidth(Activation activation, Normalization norm, float dropout)
    {
        var tower = new EncoderTower(Tower.Item, [new IdEmbedding(new FeatureSpec("item", "item", FeatureKind.Id, Tower.Item), 10, 8, new Random(2))],
            new TowerOptions { Hidden = [16, 12], Activation = activation, Normalization = norm, Dropout = dropout, OutputDimension = 6 }, new Random(3));
        var input = new TowerInput(3, new() { ["item"] = new FeatureInput { Ids = [1, 5, 9] } });
        using var tape = new Tape();
        var y = tower.Forward(tape, input, training: true);
        Assert.Equal([3, 6], y.Value.Shape.ToArray());
        for (int r = 0; r < 3; r++)
        {
            float norm2 = 0;
            foreach (float v in y.Value.RowSpan(r)) norm2 += v * v;
            Assert.Equal(1f, norm2, 4);
        }
    }

    [Fact]
    public void HierarchicalIdSumsItsLevels()
    {
        var rng = new Random(4);
        var item = new IdEmbedding(new FeatureSpec("item", "item", FeatureKind.Id, Tower.Item), 6, 3, rng);
        var category = new IdEmbedding(new FeatureSpec("category", "category", FeatureKind.Categorical, Tower.Item), 3, 3, rng);
        var h = new HierarchicalIdEmbedding(item, category);
        var input = new TowerInput(2, new() { ["item"] = new FeatureInput { Ids = [4, 5] }, ["category"] = new FeatureInput { Ids = [1, 2] } });
        using var tape = new Tape();
        var y = h.Encode(tape, input, training: false);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(item.Table.Value[4, c] + category.Table.Value[1, c], y.Value[0, c], 6);
            Assert.Equal(item.Table.Value[5, c] + category.Table.Value[2, c], y.Value[1, c], 6);
        }
    }
}
