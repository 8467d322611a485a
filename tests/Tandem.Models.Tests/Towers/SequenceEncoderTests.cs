using Tandem.Data.Schema;
using Tandem.Models.Towers;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Towers;

public class SequenceEncoderTests
{
    const int Steps = 4, Dim = 4;
    static readonly FeatureSpec Spec = new("history", "item", FeatureKind.Sequence, Tower.User) { MaxLength = Steps };

    static TowerInput Input(int[] ids, int[] lengths, float[]? since = null) =>
        new(lengths.Length, new() { ["history"] = new FeatureInput { Ids = ids, Lengths = lengths, Values = since is null ? null : Tensor.From(since, lengths.Length, Steps) } });

    static SequenceEncoder Encoder(SequencePooling pooling, float decay = 0) =>
        new(Spec, 10, Dim, new SequenceOptions { Pooling = pooling, TimeDecay = decay, Heads = 2 }, new Random(5));

    public static TheoryData<SequencePooling> Poolings => [SequencePooling.Mean, SequencePooling.Attention, SequencePooling.Gru, SequencePooling.SelfAttention];

    [Theory]
    [MemberData(nameof(Poolings))]
    public void PaddingDoesNotChangeTheResult(SequencePooling pooling)
    {
        var encoder = Encoder(pooling);
        // Row lengths 2, 4, 0 and 1; the padding holds 0, then junk ids.
        int[] lengths = [2, 4, 0, 1];
        int[] clean = [3, 7, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 9, 0, 0, 0];
        int[] junk = [3, 7, 5, 8, 1, 2, 3, 4, 6, 6, 2, 1, 9, 4, 4, 4];
        using var tape = new Tape();
        var a = encoder.Encode(tape, Input(clean, lengths), training: false).Value.Span.ToArray();
        var b = encoder.Encode(tape, Input(junk, lengths), training: false).Value.Span.ToArray();
        Assert.Equal(4 * encoder.Width, a.Length);
        Assert.Equal(a, b);
        // An empty history encodes to zeros.
        Assert.All(a.AsSpan(2 * Dim, Dim).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void InterestsGiveKVectorsPerHistoryAndIgnorePadding()
    {
        var encoder = new SequenceEncoder(Spec, 10, Dim, new SequenceOptions { Pooling = SequencePooling.Interests, Interests = 3 }, new Random(5));
        Assert.Equal(3, encoder.Vectors);
        int[] lengths = [2, 4, 0, 1];
        int[] clean = [3, 7, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 9, 0, 0, 0];
        int[] junk = [3, 7, 5, 8, 1, 2, 3, 4, 6, 6, 2, 1, 9, 4, 4, 4];
        using var tape = new Tape();
        var a = encoder.Encode(tape, Input(clean, lengths), training: false).Value;
        var b = encoder.Encode(tape, Input(junk, lengths), training: false).Value;
        Assert.Equal([4 * 3, Dim], a.Shape.ToArray());
        Assert.Equal(a.Span.ToArray(), b.Span.ToArray());
        var t = encoder.Table.Value;
        for (int k = 0; k < 3; k++)
            for (int c = 0; c < Dim; c++)
            {
                Assert.Equal(0f, a[2 * 3 + k, c]);              // an empty history: zeros
                Assert.Equal(t[9, c], a[3 * 3 + k, c], 6);       // one event: every interest is that event
            }
        // Two events: each interest is a convex mix of them, and the heads differ.
        for (int c = 0; c < Dim; c++)
            Assert.InRange(a[0, c], Math.Min(t[3, c], t[7, c]) - 1e-6f, Math.Max(t[3, c], t[7, c]) + 1e-6f);
        Assert.NotEqual(a[0, 0], a[1, 0]);
    }

    [Fact]
    public void MeanPoolsTheValidEvents()
    {
        var encoder = Encoder(SequencePooling.Mean);
        using var tape = new Tape();
        var y = encoder.Encode(tape, Input([3, 7, 0, 0], [2]), training: false);
        var t = encoder.Table.Value;
        for (int c = 0; c < Dim; c++) Assert.Equal((t[3, c] + t[7, c]) / 2, y.Value[0, c], 6);
    }

    [Fact]
    public void TimeDecayWeighsRecentEventsMore()
    {
        var encoder = Encoder(SequencePooling.Mean, decay: 1);
        using var tape = new Tape();
        // log(1 + hours) of 0 and ln 3: weights 1 and 1/3, normalised to 3/4 and 1/4.
        var y = encoder.Encode(tape, Input([3, 7, 0, 0], [2], [0, MathF.Log(3), 0, 0]), training: false);
        var t = encoder.Table.Value;
        for (int c = 0; c < Dim; c++) Assert.Equal(0.75f * t[3, c] + 0.25f * t[7, c], y.Value[0, c], 5);
    }

    [Theory]
    [MemberData(nameof(Poolings))]
    public void GradientReachesEveryParameter(SequencePooling pooling)
    {
        var encoder = Encoder(pooling);
        using var tape = new Tape();
        var y = encoder.Encode(tape, Input([3, 7, 0, 0, 1, 2, 3, 4], [2, 4]), training: true);
        // A loss that is not symmetric in the outputs, so no gradient cancels.
        var w = new float[y.Value.Length];
        for (int i = 0; i < w.Length; i++) w[i] = 0.3f + 0.1f * i;
        tape.Backward(tape.Sum(tape.Multiply(y, tape.Constant(w, y.Value.Shape.ToArray()))));
        Gradients.AssertEveryParameterGetsOne(encoder.Parameters);
    }

    [Fact]
    public void HistoryDropoutDropsEventsInTrainingOnly()
    {
        var options = new SequenceOptions { Dropout = 0.5f };
        var encoder = new SequenceEncoder(Spec, 10, Dim, options, new Random(5));
        var plain = new SequenceEncoder(Spec, 10, Dim, new SequenceOptions { Dropout = 0 }, new Random(5));
        Assert.Equal(["history.dropout"], encoder.Generators.Select(g => g.Name));
        Assert.Empty(plain.Generators);
        // 64 users with the full history 1, 2, 3, 4.
        int users = 64;
        var ids = Enumerable.Range(0, users).SelectMany(_ => new[] { 1, 2, 3, 4 }).ToArray();
        var lengths = Enumerable.Repeat(Steps, users).ToArray();
        using var tape = new Tape();
        var all = plain.Encode(tape, Input(ids, lengths), training: true).Value.Span.ToArray();
        // Evaluation reads every event: the same as without dropout (one initialisation, the dropout seed drawn after it).
        Assert.Equal(all, encoder.Encode(tape, Input(ids, lengths), training: false).Value.Span.ToArray());
        var dropped = encoder.Encode(tape, Input(ids, lengths), training: true).Value.Span.ToArray();
        int changed = Enumerable.Range(0, users).Count(u => !dropped.AsSpan(u * Dim, Dim).SequenceEqual(all.AsSpan(u * Dim, Dim)));
        // A row keeps all 4 events with probability 1/16: about 60 of 64 rows change.
        Assert.InRange(changed, 50, 64);
        // Each kept row is the mean of a subset of the events, so it lies within their range.
        var t = encoder.Table.Value;
        for (int c = 0; c < Dim; c++)
        {
            float lo = new[] { t[1, c], t[2, c], t[3, c], t[4, c], 0 }.Min(), hi = new[] { t[1, c], t[2, c], t[3, c], t[4, c], 0 }.Max();
            for (int u = 0; u < users; u++) Assert.InRange(dropped[u * Dim + c], lo - 1e-6f, hi + 1e-6f);
        }
    }

    [Fact]
    public void ASharedTableIsReadThroughTheIdMapAndNotOwned()
    {
        var items = new Parameter("item.embedding", Tensor.From(Enumerable.Range(0, 6 * Dim).Select(i => (float)i).ToArray(), 6, Dim), sparse: true);
        // History ids 1..3 are item rows 5, 2 and 4.
        var encoder = new SequenceEncoder(Spec, 4, Dim, new SequenceOptions(), new Random(5), table: items, rowOfId: [0, 5, 2, 4]);
        Assert.True(encoder.Shared);
        Assert.Same(items, encoder.Table);
        Assert.DoesNotContain(items, encoder.Parameters);
        using var tape = new Tape();
        var y = encoder.Encode(tape, Input([1, 2, 0, 0], [2]), training: false);
        for (int c = 0; c < Dim; c++) Assert.Equal((items.Value[5, c] + items.Value[2, c]) / 2, y.Value[0, c], 5);
    }
}
