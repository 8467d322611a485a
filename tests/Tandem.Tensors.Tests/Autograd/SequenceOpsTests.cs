using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Tolerances: these composites chain ~15 ops per step, so float rounding of the forward adds
// up; rtol 2e-2 and atol 2e-4 with h = 1e-2.
public class SequenceOpsTests
{
    const int B = 3, T = 4, D = 3, H = 2;

    [Fact]
    public void GruGradientsMatchFiniteDifferencesWithPaddedRows()
    {
        using var x = Leaf(1, [B, T, D]);
        using var wx = Leaf(2, [D, 3 * H]);
        using var wh = Leaf(3, [H, 3 * H]);
        using var bx = Leaf(4, [3 * H]);
        using var bh = Leaf(5, [3 * H]);
        int[] lengths = [4, 2, 1];
        Check(t => t.Gru(x, lengths, wx, wh, bx, bh), [x, wx, wh, bx, bh], rtol: 2e-2, atol: 2e-4);
    }

    [Fact]
    public void GruMatchesAPlainDoublePrecisionReference()
    {
        using var wx = Leaf(2, [D, 3 * H]);
        using var wh = Leaf(3, [H, 3 * H]);
        using var bx = Leaf(4, [3 * H]);
        using var bh = Leaf(5, [3 * H]);
        var x = Random(B * T * D, 7);
        int[] lengths = [4, 3, 2];
        using var tape = new Tape();
        var h = tape.Gru(tape.Constant(x, B, T, D), lengths, wx, wh, bx, bh);
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        for (int b = 0; b < B; b++)
        {
            var state = new double[H];
            for (int t = 0; t < lengths[b]; t++)
            {
                // gate g of unit j: xp = x_t·wx[:, g·H + j] + bx, hp = h·wh[:, g·H + j] + bh
                double Xp(int g, int j) => bx.Value[g * H + j] + Enumerable.Range(0, D).Sum(d => (double)x[(b * T + t) * D + d] * wx.Value[d, g * H + j]);
                double Hp(int g, int j) => bh.Value[g * H + j] + Enumerable.Range(0, H).Sum(i => state[i] * wh.Value[i, g * H + j]);
                var next = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double r = Sigmoid(Xp(0, j) + Hp(0, j)), z = Sigmoid(Xp(1, j) + Hp(1, j));
                    double n = Math.Tanh(Xp(2, j) + r * Hp(2, j));
                    next[j] = (1 - z) * n + z * state[j];
                }
                state = next;
            }
            for (int j = 0; j < H; j++) Assert.Equal(state[j], h.Value[b, j], 5);
        }
    }

    [Fact]
    public void GruStateIsFrozenPastEachLengthAndPaddingIsIgnored()
    {
        using var wx = Leaf(2, [D, 3 * H]);
        using var wh = Leaf(3, [H, 3 * H]);
        using var bx = Leaf(4, [3 * H]);
        using var bh = Leaf(5, [3 * H]);
        var values = Random(B * T * D, 6);
        using var tape = new Tape();
        var full = tape.Gru(tape.Constant(values, B, T, D), [4, 2, 0], wx, wh, bx, bh);
        // Row 1 alone, truncated to its 2 valid steps, must give the same state.
        var row1 = tape.Gru(tape.Constant(values.AsSpan(T * D, 2 * D), 1, 2, D), [2], wx, wh, bx, bh);
        for (int c = 0; c < H; c++) Assert.Equal(row1.Value[0, c], full.Value[1, c], 6);
        // Changing row 1's padded steps changes nothing.
        values[T * D + 3 * D] += 5;
        var changed = tape.Gru(tape.Constant(values, B, T, D), [4, 2, 0], wx, wh, bx, bh);
        Assert.Equal(full.Value.RowSpan(1).ToArray(), changed.Value.RowSpan(1).ToArray());
        Assert.Equal([0f, 0], full.Value.RowSpan(2).ToArray()); // a zero length keeps the zero state
    }

    [Fact]
    public void SelfAttentionGradientsMatchFiniteDifferencesWithKeyPadding()
    {
        const int dim = 4;
        using var x = Leaf(10, [2, 3, dim]);
        var w = Enumerable.Range(0, 4).Select(i => Leaf(11 + i, [dim, dim])).ToArray();
        var b = Enumerable.Range(0, 4).Select(i => Leaf(21 + i, [dim])).ToArray();
        bool[] padding = [false, false, true, false, false, false]; // sequence 0's last key is padding
        try
        {
            Check(t => t.SelfAttention(x, padding, heads: 2, w[0], b[0], w[1], b[1], w[2], b[2], w[3], b[3]),
                [x, .. w, .. b], rtol: 2e-2, atol: 2e-4);
        }
        finally
        {
            foreach (var v in w.Concat(b)) v.Dispose();
        }
    }

    [Fact]
    public void SelfAttentionIgnoresPaddedKeys()
    {
        const int dim = 4;
        var w = Enumerable.Range(0, 4).Select(i => Leaf(11 + i, [dim, dim])).ToArray();
        var b = Enumerable.Range(0, 4).Select(i => Leaf(21 + i, [dim])).ToArray();
        var values = Random(3 * dim, 30);
        bool[] padding = [false, false, true];
        using var tape = new Tape();
        Variable Run() => tape.SelfAttention(tape.Constant(values, 1, 3, dim), padding, 2, w[0], b[0], w[1], b[1], w[2], b[2], w[3], b[3]);
        var before = Run().Value.Span[..(2 * dim)].ToArray();
        for (int c = 0; c < dim; c++) values[2 * dim + c] += 3; // change only the padded position
        var after = Run().Value.Span[..(2 * dim)].ToArray();
        Assert.Equal(before, after); // queries 0 and 1 never looked at key 2
        foreach (var v in w.Concat(b)) v.Dispose();
    }

    [Fact]
    public void AttentionCoreGradientsMatchFiniteDifferences()
    {
        using var q = Leaf(40, [6, 4]);
        using var k = Leaf(41, [6, 4]);
        using var v = Leaf(42, [6, 4]);
        bool[] padding = [false, true, false, false, false, true]; // 2 sequences of 3
        Check(t => t.Attention(q, k, v, batch: 2, heads: 2, padding), [q, k, v], rtol: 2e-2, atol: 2e-4);
        Check(t => t.Attention(q, k, v, batch: 3, heads: 1), [q, k, v], rtol: 2e-2, atol: 2e-4);
    }

    [Fact]
    public void AttentionCoreMatchesTheSameAttentionBuiltFromPrimitiveOps()
    {
        const int batch = 2, steps = 3, dim = 6, heads = 3, dh = dim / heads;
        var values = Random(3 * batch * steps * dim, 43);
        bool[] padding = [false, false, true, true, false, false];
        using var tape = new Tape();
        var q = tape.Constant(values.AsSpan(0, 36), batch * steps, dim);
        var k = tape.Constant(values.AsSpan(36, 36), batch * steps, dim);
        var v = tape.Constant(values.AsSpan(72, 36), batch * steps, dim);
        var fused = tape.Attention(q, k, v, batch, heads, padding);
        for (int b = 0; b < batch; b++)
        {
            var mask = new float[steps];
            for (int j = 0; j < steps; j++) mask[j] = padding[b * steps + j] ? float.NegativeInfinity : 0;
            for (int h = 0; h < heads; h++)
            {
                Variable Head(Variable m) => tape.Columns(tape.SliceRows(m, b * steps, steps), h * dh, dh);
                var scores = tape.Add(tape.Scale(tape.MatMul(Head(q), Head(k), transB: true), 1 / MathF.Sqrt(dh)), tape.Constant(mask, steps));
                var reference = tape.MatMul(tape.Softmax(scores), Head(v));
                for (int t = 0; t < steps; t++)
                    for (int c = 0; c < dh; c++)
                        Assert.Equal(reference.Value[t, c], fused.Value[b * steps + t, h * dh + c], 5);
            }
        }
    }

    [Fact]
    public void AttentionRejectsAFullyPaddedSequence()
    {
        using var tape = new Tape();
        var m = tape.Constant(new float[8], 4, 2);
        var ex = Assert.Throws<ArgumentException>(() => tape.Attention(m, m, m, batch: 2, heads: 1, [false, false, true, true]));
        Assert.Contains("sequence 1", ex.Message);
    }
}
