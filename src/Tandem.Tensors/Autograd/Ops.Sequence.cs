using System.Buffers;
using Tandem.Tensors.Kernels;
using K = Tandem.Tensors.Kernels.Kernels;

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
    /// wo, bo. The projections are primitive ops and the core is the fused <see cref="Attention"/>.
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

        var flat = tape.Reshape(x, batch * steps, dim);
        var attended = tape.Attention(tape.Linear(flat, wq, bq), tape.Linear(flat, wk, bk), tape.Linear(flat, wv, bv), batch, heads, keyPadding);
        return tape.Reshape(tape.Linear(attended, wo, bo), batch, steps, dim);
    }

    /// <summary>
    /// The core of multi-head attention on already projected queries, keys and values, each
    /// (B·T)×D with sequence b in rows b·T to b·T + T - 1 and head h in columns h·dh to
    /// h·dh + dh - 1 (dh = D / heads). For every sequence and head:
    /// <c>out_h = softmax(Q_h K_hᵀ / √dh + mask) V_h</c>, where the mask is -∞ on keys with
    /// <c>keyPadding[b·T + j]</c> true (empty: no padding). The result is (B·T)×D, heads side by side.
    /// One op with a fused backward; it keeps only the attention probabilities (B·H·T·T values).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, D is not divisible by heads, or a sequence has every key padded.</exception>
    public static Variable Attention(this Tape tape, Variable q, Variable k, Variable v, int batch, int heads, ReadOnlySpan<bool> keyPadding = default)
    {
        const string op = nameof(Attention);
        int rows = q.Rows, dim = q.Cols;
        if (q.Value.Rank != 2 || !q.Value.SameShape(k.Value) || !q.Value.SameShape(v.Value))
            AutogradThrow.Shape(op, $"q, k and v must be matrices of one shape, got {q.Value}, {k.Value}, {v.Value}.");
        if (batch < 1 || rows % batch != 0) AutogradThrow.Shape(op, $"{rows} rows do not split into {batch} sequences.");
        if (heads < 1 || dim % heads != 0) AutogradThrow.Shape(op, $"D = {dim} must be a multiple of heads = {heads}.");
        int steps = rows / batch, dh = dim / heads;
        if (!keyPadding.IsEmpty && keyPadding.Length != rows) AutogradThrow.Shape(op, $"keyPadding holds {keyPadding.Length} flags for {rows} rows.");
        for (int b = 0; b < batch && !keyPadding.IsEmpty; b++)
            if (!keyPadding.Slice(b * steps, steps).Contains(false)) AutogradThrow.Shape(op, $"sequence {b} has every key padded; it needs at least one.");

        float scale = 1 / MathF.Sqrt(dh);
        var probs = tape.Save(batch * heads, steps, steps);
        var y = tape.Output(Tensor.Empty(rows, dim), q.RequiresGrad || k.RequiresGrad || v.RequiresGrad);
        int block = steps * dh, square = steps * steps;
        float[] scratch = TensorPool.Rent(3 * block);
        try
        {
            var (qh, kh, vh) = (scratch.AsMemory(0, block), scratch.AsMemory(block, block), scratch.AsMemory(2 * block, block));
            for (int b = 0; b < batch; b++)
                for (int h = 0; h < heads; h++)
                {
                    var p = probs.Span.Slice((b * heads + h) * square, square);
                    HeadBlock(q.Value.Span, b, h, steps, dim, dh, qh.Span, gather: true);
                    HeadBlock(k.Value.Span, b, h, steps, dim, dh, kh.Span, gather: true);
                    HeadBlock(v.Value.Span, b, h, steps, dim, dh, vh.Span, gather: true);
                    Gemm.Multiply(qh.Span, kh.Span, p, steps, steps, dh, transB: true, alpha: scale);
                    if (!keyPadding.IsEmpty)
                        for (int j = 0; j < steps; j++)
                            if (keyPadding[b * steps + j])
                                for (int i = 0; i < steps; i++) p[i * steps + j] = float.NegativeInfinity;
                    K.SoftmaxRows(p, steps, p);
                    Gemm.Multiply(p, vh.Span, qh.Span, steps, dh, steps); // qh is free again: it takes out_h
                    HeadBlock(y.Value.Span, b, h, steps, dim, dh, qh.Span, gather: false);
                }
        }
        finally { TensorPool.Return(scratch); }

        tape.Record(y, () =>
        {
            // Per head, with P the probabilities and dO the output gradient:
            // dV = Pᵀ dO, dP = dO Vᵀ, dS = softmax'(dP)·scale, dQ = dS K, dK = dSᵀ Q.
            float[] work = TensorPool.Rent(4 * block + 2 * square);
            try
            {
                var (qh, kh, vh, dOut) = (work.AsMemory(0, block), work.AsMemory(block, block), work.AsMemory(2 * block, block), work.AsMemory(3 * block, block));
                var (dP, dS) = (work.AsMemory(4 * block, square), work.AsMemory(4 * block + square, square));
                var dq = q.RequiresGrad ? q.Grad.Span : default;
                var dk = k.RequiresGrad ? k.Grad.Span : default;
                var dv = v.RequiresGrad ? v.Grad.Span : default;
                for (int b = 0; b < batch; b++)
                    for (int h = 0; h < heads; h++)
                    {
                        var p = probs.Span.Slice((b * heads + h) * square, square);
                        HeadBlock(y.Grad.Span, b, h, steps, dim, dh, dOut.Span, gather: true);
                        if (v.RequiresGrad)
                        {
                            Gemm.Multiply(p, dOut.Span, vh.Span, steps, dh, steps, transA: true);
                            AddHeadBlock(dv, b, h, steps, dim, dh, vh.Span);
                        }
                        if (!q.RequiresGrad && !k.RequiresGrad) continue;
                        HeadBlock(v.Value.Span, b, h, steps, dim, dh, vh.Span, gather: true);
                        Gemm.Multiply(dOut.Span, vh.Span, dP.Span, steps, steps, dh, transB: true);
                        K.SoftmaxRowsBackward(p, steps, dP.Span, dS.Span);
                        if (q.RequiresGrad)
                        {
                            HeadBlock(k.Value.Span, b, h, steps, dim, dh, kh.Span, gather: true);
                            Gemm.Multiply(dS.Span, kh.Span, qh.Span, steps, dh, steps, alpha: scale);
                            AddHeadBlock(dq, b, h, steps, dim, dh, qh.Span);
                        }
                        if (k.RequiresGrad)
                        {
                            HeadBlock(q.Value.Span, b, h, steps, dim, dh, qh.Span, gather: true);
                            Gemm.Multiply(dS.Span, qh.Span, kh.Span, steps, dh, steps, transA: true, alpha: scale);
                            AddHeadBlock(dk, b, h, steps, dim, dh, kh.Span);
                        }
                    }
            }
            finally { TensorPool.Return(work); }
        });
        return y;
    }

    /// <summary>Copies head h of sequence b between a (B·T)×D matrix and a contiguous T×dh block, either way.</summary>
    static void HeadBlock(Span<float> matrix, int b, int h, int steps, int dim, int dh, Span<float> block, bool gather)
    {
        for (int t = 0; t < steps; t++)
        {
            var cells = matrix.Slice((b * steps + t) * dim + h * dh, dh);
            if (gather) cells.CopyTo(block.Slice(t * dh, dh));
            else block.Slice(t * dh, dh).CopyTo(cells);
        }
    }

    /// <summary>Adds a T×dh block into head h of sequence b of a (B·T)×D gradient.</summary>
    static void AddHeadBlock(Span<float> matrix, int b, int h, int steps, int dim, int dh, ReadOnlySpan<float> block)
    {
        for (int t = 0; t < steps; t++)
        {
            var cells = matrix.Slice((b * steps + t) * dim + h * dh, dh);
            K.Add(cells, block.Slice(t * dh, dh), cells);
        }
    }
}
