using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Towers;

public class TextModuleTests
{
    const int Dim = 4, Cardinality = 12;
    static readonly FeatureSpec Spec = new("title", "title", FeatureKind.Text, Tower.Item) { MaxLength = 6 };

    // Three texts of 2, 0 and 3 tokens; token ids: [3, 5 6] | — | [7] [1 2] [9].
    static TowerInput Input(int[]? lengths = null, int[]? ids = null, int[]? offsets = null) =>
        new(3, new() { ["title"] = new FeatureInput { Lengths = lengths ?? [2, 0, 3], Ids = ids ?? [3, 5, 6, 7, 1, 2, 9], Offsets = offsets ?? [0, 1, 3, 4, 6, 7] } });

    public static TheoryData<string> Modules => ["bag", "transformer-mean", "transformer-first"];

    static ITokenModule Module(string kind) => kind switch
    {
        "bag" => new TextBag(Spec, Cardinality, Dim, new Random(3)),
        _ => new TextTransformer(Spec, Cardinality, Dim, new TextOptions
        {
            Encoding = TextEncoding.Transformer, Layers = 2, Heads = 2,
            Pooling = kind.EndsWith("first") ? TextPooling.First : TextPooling.Mean,
        }, new Random(3)),
    };

    [Fact]
    public void BagIsTheMeanOfTokensAndATokenTheMeanOfItsIds()
    {
        var bag = (TextBag)Module("bag");
        using var tape = new Tape();
        var y = bag.Encode(tape, Input(), training: false).Value;
        var t = bag.Table.Value;
        for (int c = 0; c < Dim; c++)
        {
            // Text 0: tokens [3] and [5, 6]: (t3 + (t5 + t6) / 2) / 2.
            Assert.Equal((t[3, c] + (t[5, c] + t[6, c]) / 2) / 2, y[0, c], 6);
            Assert.Equal(0f, y[1, c]);
            Assert.Equal((t[7, c] + (t[1, c] + t[2, c]) / 2 + t[9, c]) / 3, y[2, c], 6);
        }
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void EmptyTextGivesZerosAndOtherTextsDoNotLeak(string kind)
    {
        var module = Module(kind);
        using var tape = new Tape();
        var all = module.Encode(tape, Input(), training: false).Value;
        Assert.All(Enumerable.Range(0, Dim), c => Assert.Equal(0f, all[1, c]));
        // Text 0 alone (batch of one) encodes the same: padding of longer texts is masked.
        var alone = module.Encode(tape, new TowerInput(1, new() { ["title"] = new FeatureInput { Lengths = [2], Ids = [3, 5, 6], Offsets = [0, 1, 3] } }), training: false).Value;
        for (int c = 0; c < Dim; c++) Assert.Equal(alone[0, c], all[0, c], 5);
    }

    [Fact]
    public void TransformerTokensDependOnOrderAndContext()
    {
        var module = Module("transformer-mean");
        using var tape = new Tape();
        var (tokens, offsets) = module.EncodeTokens(tape, Input(), training: false);
        Assert.Equal([0, 2, 2, 5], offsets);
        Assert.Equal(5, tokens.Rows);
        Assert.Equal(Dim, tokens.Cols);
        // Swapping text 2's first and last tokens changes its vector (positions matter).
        var swapped = module.Encode(tape, Input(ids: [3, 5, 6, 9, 1, 2, 7]), training: false).Value;
        var original = module.Encode(tape, Input(), training: false).Value;
        Assert.Contains(Enumerable.Range(0, Dim), c => MathF.Abs(swapped[2, c] - original[2, c]) > 1e-4f);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void GradientReachesEveryParameter(string kind)
    {
        var module = Module(kind);
        using var tape = new Tape();
        var y = module.Encode(tape, Input(), training: true);
        var w = new float[y.Value.Length];
        for (int i = 0; i < w.Length; i++) w[i] = 0.3f + 0.1f * i;
        tape.Backward(tape.Sum(tape.Multiply(y, tape.Constant(w, y.Value.Shape.ToArray()))));
        Gradients.AssertEveryParameterGetsOne(module.Parameters);
    }

    [Fact]
    public void TransformerGradientMatchesFiniteDifferences()
    {
        var module = new TextTransformer(Spec, Cardinality, Dim, new TextOptions { Encoding = TextEncoding.Transformer, Layers = 1, Heads = 2 }, new Random(3), sparse: false);
        var w = new float[3 * Dim];
        for (int i = 0; i < w.Length; i++) w[i] = MathF.Sin(i + 1);
        float Loss()
        {
            using var tape = new Tape();
            var y = module.Encode(tape, Input(), training: false);
            return tape.Sum(tape.Multiply(y, tape.Constant(w, 3, Dim))).Value.Span[0];
        }
        using (var tape = new Tape())
        {
            var y = module.Encode(tape, Input(), training: true);
            tape.Backward(tape.Sum(tape.Multiply(y, tape.Constant(w, 3, Dim))));
        }
        // A few entries of every parameter, by central differences in float (tolerance for that).
        Gradients.AssertMatchFiniteDifferences(module.Parameters, Loss, samples: 5, absolute: 2e-2f, relative: 0.05f);
    }

    [Fact]
    public void BadTransformerOptionsAreRejected()
    {
        var e = Assert.Throws<ModelException>(() => new TextTransformer(Spec, Cardinality, Dim, new TextOptions { Heads = 3 }, new Random(1)));
        Assert.Contains("3 heads do not divide the dimension 4", e.Message);
        Assert.Throws<ModelException>(() => new TextTransformer(Spec, Cardinality, Dim, new TextOptions { Layers = 0 }, new Random(1)));
    }
}
