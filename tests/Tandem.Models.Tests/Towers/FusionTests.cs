using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Towers;

public class FusionTests
{
    const int Dim = 4;
    static readonly FeatureSpec Item = new("item", "item", FeatureKind.Id, Tandem.Data.Schema.Tower.Item);
    static readonly FeatureSpec Title = new("title", "title", FeatureKind.Text, Tandem.Data.Schema.Tower.Item) { MaxLength = 4 };

    // Three items: a known item with a title, a cold item (id 0) with a title, a known item without one.
    static TowerInput Input() => new(3, new()
    {
        ["item"] = new FeatureInput { Ids = [2, 0, 1] },
        ["title"] = new FeatureInput { Lengths = [2, 1, 0], Ids = [3, 4, 5], Offsets = [0, 1, 2, 3] },
    });

    static (EncoderTower Tower, IdEmbedding Ids) Build(FusionOptions fusion)
    {
        var rng = new Random(7);
        var ids = new IdEmbedding(Item, 3, Dim, rng, sparse: false);
        var text = new TextBag(Title, 6, Dim, rng, sparse: false);
        var options = new TowerOptions { EmbeddingDimension = Dim, Hidden = [5], OutputDimension = 3, Fusion = fusion };
        return (new EncoderTower(Tandem.Data.Schema.Tower.Item, [ids, text], options, rng), ids);
    }

    static float[] Forward(EncoderTower tower, bool training = false)
    {
        using var tape = new Tape();
        return tower.Forward(tape, Input(), training).Value.Span.ToArray();
    }

    public static TheoryData<FusionKind> Kinds => [FusionKind.Concat, FusionKind.Gated];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AMissingModalityCannotChangeTheVector(FusionKind kind)
    {
        var (tower, ids) = Build(new FusionOptions { Kind = kind, MaskMissing = true });
        var before = Forward(tower);
        // Rewrite the out-of-vocabulary row: the cold item (example 1) must not move, the others are unaffected too.
        ids.Table.Value.Span[..Dim].Fill(5f);
        Assert.Equal(before, Forward(tower));
        Assert.All(before, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void WithoutMaskingTheOutOfVocabularyRowIsRead()
    {
        var (tower, ids) = Build(new FusionOptions());
        var before = Forward(tower);
        ids.Table.Value.Span[..Dim].Fill(5f);
        var after = Forward(tower);
        Assert.NotEqual(before[3..6], after[3..6]);
        Assert.Equal(before[..3], after[..3]);
    }

    [Fact]
    public void ModalityDropoutNeverDropsEverything()
    {
        var (tower, _) = Build(new FusionOptions { Kind = FusionKind.Gated, ModalityDropout = 0.99f });
        for (int i = 0; i < 20; i++)
        {
            var y = Forward(tower, training: true);
            // Were every modality of an example dropped, its gate would be a softmax over all -∞: NaN.
            Assert.All(y, v => Assert.True(float.IsFinite(v)));
            for (int b = 0; b < 3; b++) Assert.Equal(1f, MathF.Sqrt(y[(b * 3)..(b * 3 + 3)].Sum(v => v * v)), 4);
        }
        // Evaluation never drops: deterministic.
        Assert.Equal(Forward(tower), Forward(tower));
    }

    [Fact]
    public void GatedGradientMatchesFiniteDifferences()
    {
        var (tower, _) = Build(new FusionOptions { Kind = FusionKind.Gated });
        var w = new float[9];
        for (int i = 0; i < w.Length; i++) w[i] = MathF.Cos(i + 1);
        Variable Loss(Tape tape) => tape.Sum(tape.Multiply(tower.Forward(tape, Input(), false), tape.Constant(w, 3, 3)));
        using (var tape = new Tape()) tape.Backward(Loss(tape));
        Gradients.AssertMatchFiniteDifferences(tower.Parameters, () =>
        {
            using var tape = new Tape();
            return Loss(tape).Value.Span[0];
        }, samples: 6, absolute: 1e-2f, relative: 0.05f);
    }

    [Fact]
    public void BadDropoutIsRejected()
    {
        var e = Assert.Throws<ModelException>(() => Build(new FusionOptions { ModalityDropout = 1 }));
        Assert.Contains("Modality dropout is 1", e.Message);
    }
}
