using System.Buffers;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>
    /// A GRU over padded sequences, returning each row's hidden state after its last valid step
    /// (B×H). <paramref name="x"/> is B×T×D; row b is valid for its first <c>lengths[b]</c> steps
    /// and its state is frozen after them (a zero length gives zeros). Gates in PyTorch's order
    /// and form: with xp = x·wx + bx and hp = h·wh + bh split into (r, z, n) thirds,
    /// r = σ(xp_r + hp_r), z = σ(xp_z + hp_z), n = tanh(xp_n + r ⊙ hp_n), h' = (1 - z) ⊙ n + z ⊙ h.
    /// Shapes: wx D×3H, wh H×3H, bx and bh 3H. Composed from primitive ops, so its gradient
    /// comes from theirs.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree or a length is outside 0..T.</exception>
    public static Variable Gru(this Tape tape, Variable x, ReadOnlySpan<int> lengths,
        Variable wx, Variable wh, Variable bx, Variable bh)
    {
        if (x.Value.Rank != 3) AutogradThrow.Shape(nameof(Gru), $"x must be B×T×D, got {x.Value}.");
        int batch = x.Value.Shape[0], steps = x.Value.Shape[1], dim = x.Value.Shape[2], hidden = wh.Rows;
        if (wx.Value.Rank != 2 || wx.Rows != dim || wx.Cols != 3 * hidden || wh.Cols != 3 * hidden
            || bx.Value.Length != 3 * hidden || bh.Value.Length != 3 * hidden)
            AutogradThrow.Shape(nameof(Gru), $"with D = {dim} and H = {hidden} the weights must be wx {dim}x{3 * hidden}, wh {hidden}x{3 * hidden}, bx and bh {3 * hidden}; got {wx.Value}, {wh.Value}, {bx.Value}, {bh.Value}.");
        if (lengths.Length != batch) AutogradThrow.Shape(nameof(Gru), $"{lengths.Length} lengths for {batch} sequences.");
        int longest = 0;
        for (int b = 0; b < batch; b++)
        {
            if ((uint)lengths[b] > (uint)steps) AutogradThrow.Value(nameof(Gru), nameof(lengths), $"lengths[{b}] = {lengths[b]} is outside 0..{steps}.");
            longest = Math.Max(longest, lengths[b]);
        }

        // One projection of every input step up front, then gather step t's rows b·T + t.
        var xp = tape.Linear(tape.Reshape(x, batch * steps, dim), wx, bx);
        var h = tape.Constant(Tensor.Zeros(batch, hidden));
        int[] ids = ArrayPool<int>.Shared.Rent(batch);
        try
        {
            for (int t = 0; t < longest; t++)
            {
                for (int b = 0; b < batch; b++) ids[b] = b * steps + t;
                var xs = tape.Split(tape.Embedding(xp, ids.AsSpan(0, batch)), hidden, hidden, hidden);
                var hs = tape.Split(tape.Linear(h, wh, bh), hidden, hidden, hidden);
                var r = tape.Sigmoid(tape.Add(xs[0], hs[0]));
                var z = tape.Sigmoid(tape.Add(xs[1], hs[1]));
                var n = tape.Tanh(tape.Add(xs[2], tape.Multiply(r, hs[2])));
                var next = tape.Add(n, tape.Multiply(z, tape.Subtract(h, n))); // (1-z)n + zh
                h = FreezeFinished(tape, h, next, lengths, t);
            }
        }
        finally { ArrayPool<int>.Shared.Return(ids); }
        return h;
    }

    /// <summary>Takes <paramref name="next"/> for rows still running at step t and keeps <paramref name="h"/> for the rest.</summary>
    static Variable FreezeFinished(Tape tape, Variable h, Variable next, ReadOnlySpan<int> lengths, int t)
    {
        bool allRunning = true;
        foreach (int length in lengths) allRunning &= t < length;
        if (allRunning) return next;
        var running = Tensor.Empty(h.Value.Shape.ToArray());
        for (int b = 0; b < lengths.Length; b++) running.RowSpan(b).Fill(t < lengths[b] ? 1 : 0);
        // h + m ⊙ (next - h)
        return tape.Add(h, tape.Multiply(tape.Constant(running), tape.Subtract(next, h)));
    }

    /// <summary>
    /// Multi-head scaled dot-product self-attention (B×T×D in, B×T×D out) with a key padding
    /// mask: where <c>keyPadding[b·T + j]</c> is true, no query of sequence b attends to key j
    /// (each sequence needs one unpadded key; empty means no padding). With
    /// Q = x·wq + bq, K, V likewise (wq, wk, wv, wo D×D; biases D) and dh = D / heads, each
    /// head computes softmax(Q_h K_hᵀ / √dh + mask) V_h; heads are concatenated and projected by
    /// wo, bo. Composed from primitive ops, so its gradient comes from theirs.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, D is not divisible by heads, or a sequence is fully padded.</exception>
    public static Variable SelfAttention(this Tape tape, Variable x, ReadOnlySpan<bool> keyPadding, int heads,
        Variable wq, Variable bq, Variable wk, Variable bk, Variable wv, Variable bv, Variable wo, Variable bo)
    {
        const string op = nameof(SelfAttention);
        if (x.Value.Rank != 3) AutogradThrow.Shape(op, $"x must be B×T×D, got {x.Value}.");
        int batch = x.Value.Shape[0], steps = x.Value.Shape[1], dim = x.Value.Shape[2];
        if (heads < 1 || dim % heads != 0) AutogradThrow.Shape(op, $"D = {dim} must be a multiple of heads = {heads}.");
        foreach (var w in (ReadOnlySpan<Variable>)[wq, wk, wv, wo])
            if (w.Value.Rank != 2 || w.Rows != dim || w.Cols != dim) AutogradThrow.Shape(op, $"projections must be {dim}x{dim}, got {w.Value}.");
        foreach (var b in (ReadOnlySpan<Variable>)[bq, bk, bv, bo])
            if (b.Value.Length != dim) AutogradThrow.Shape(op, $"biases must hold {dim} values, got {b.Value}.");
        if (!keyPadding.IsEmpty && keyPadding.Length != batch * steps) AutogradThrow.Shape(op, $"keyPadding holds {keyPadding.Length} flags, x {x.Value} needs {batch * steps}.");

        int dh = dim / heads;
        var flat = tape.Reshape(x, batch * steps, dim);
        var q = tape.Linear(flat, wq, bq);
        var k = tape.Linear(flat, wk, bk);
        var v = tape.Linear(flat, wv, bv);
        var sequences = new Variable[batch];
        var headOutputs = new Variable[heads];
        for (int b = 0; b < batch; b++)
        {
            var qb = tape.SliceRows(q, b * steps, steps);
            var kb = tape.SliceRows(k, b * steps, steps);
            var vb = tape.SliceRows(v, b * steps, steps);
            var mask = keyPadding.IsEmpty ? null : KeyMask(tape, keyPadding.Slice(b * steps, steps), b);
            for (int h = 0; h < heads; h++)
            {
                var scores = tape.Scale(tape.MatMul(tape.Columns(qb, h * dh, dh), tape.Columns(kb, h * dh, dh), transB: true), 1 / MathF.Sqrt(dh));
                if (mask is not null) scores = tape.Add(scores, mask);
                headOutputs[h] = tape.MatMul(tape.Softmax(scores), tape.Columns(vb, h * dh, dh));
            }
            sequences[b] = heads == 1 ? headOutputs[0] : tape.Concat(headOutputs);
        }
        var y = tape.Linear(tape.ConcatRows(sequences), wo, bo);
        return tape.Reshape(y, batch, steps, dim);
    }

    /// <summary>A row of 0 for keys to attend and -∞ for padded ones, added to every query's scores.</summary>
    static Variable KeyMask(Tape tape, ReadOnlySpan<bool> padded, int sequence)
    {
        if (!padded.Contains(false)) AutogradThrow.Shape(nameof(SelfAttention), $"sequence {sequence} has every key padded; it needs at least one.");
        var row = Tensor.Empty(padded.Length);
        for (int j = 0; j < padded.Length; j++) row[j] = padded[j] ? float.NegativeInfinity : 0;
        return tape.Constant(row);
    }
}
