using System.Buffers;
using System.Numerics.Tensors;
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
    /// Shapes: wx D×3H, wh H×3H, bx and bh 3H. The input projection is a primitive op; the
    /// recurrence is one fused op with its own backward.
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

        // One projection of every input step up front; the recurrence is one fused op.
        var xp = tape.Linear(tape.Reshape(x, batch * steps, dim), wx, bx);
        return GruRecurrence(tape, xp, lengths, steps, longest, wh, bh);
    }

    /// <summary>
    /// The GRU's recurrence over projected inputs <paramref name="xp"/> ((B·T)×3H, row b·T + t) as
    /// one op: per step three H×H products and whole-batch vector passes, with r, z, n, hp_n and
    /// the previous state saved for a hand-written backward (composing primitive ops cost some
    /// twenty recorded ops and buffers per step: 8.5 times slower, in ten times the memory, on the
    /// MovieLens histories).
    /// </summary>
    static Variable GruRecurrence(Tape tape, Variable xp, ReadOnlySpan<int> lengths, int steps, int longest, Variable wh, Variable bh)
    {
        int batch = lengths.Length, hidden = wh.Rows, plane = batch * hidden;
        // wh's r, z and n column blocks as contiguous H×H matrices.
        var w = tape.Save(3, hidden, hidden);
        for (int g = 0; g < 3; g++)
            for (int i = 0; i < hidden; i++)
                wh.Value.RowSpan(i).Slice(g * hidden, hidden).CopyTo(w.Span.Slice((g * hidden + i) * hidden, hidden));
        // Per step t: the state before it, then r, z, n and hp_n = h·wh_n + bh_n, each B×H.
        var saved = tape.Save(Math.Max(longest, 1), 5, plane);
        var y = tape.Output(Tensor.Zeros(batch, hidden), xp.RequiresGrad || wh.RequiresGrad || bh.RequiresGrad);
        var lengthsSaved = tape.Save(lengths);
        var bias = bh.Value.Span;
        for (int t = 0; t < longest; t++)
        {
            var at = saved.Span.Slice(t * 5 * plane, 5 * plane);
            Span<float> before = at[..plane], r = at.Slice(plane, plane), z = at.Slice(2 * plane, plane), n = at.Slice(3 * plane, plane), hn = at.Slice(4 * plane, plane);
            if (t == 0) before.Clear();
            else StepState(saved.Span, t - 1, plane, lengths, hidden, y.Value.Span, update: false);
            Gemm.Multiply(before, w.Span[..(hidden * hidden)], r, batch, hidden, hidden);
            Gemm.Multiply(before, w.Span.Slice(hidden * hidden, hidden * hidden), z, batch, hidden, hidden);
            Gemm.Multiply(before, w.Span.Slice(2 * hidden * hidden, hidden * hidden), hn, batch, hidden, hidden);
            K.AddBias(r, bias[..hidden], r);
            K.AddBias(z, bias.Slice(hidden, hidden), z);
            K.AddBias(hn, bias.Slice(2 * hidden, hidden), hn);
            var inputs = xp.Value.Span;
            for (int b = 0; b < batch; b++)
            {
                var xr = inputs.Slice((b * steps + t) * 3 * hidden, 3 * hidden);
                var rb = r.Slice(b * hidden, hidden);
                var zb = z.Slice(b * hidden, hidden);
                TensorPrimitives.Add(rb, xr[..hidden], rb);
                TensorPrimitives.Add(zb, xr.Slice(hidden, hidden), zb);
                xr.Slice(2 * hidden, hidden).CopyTo(n.Slice(b * hidden, hidden));
            }
            TensorPrimitives.Sigmoid(r, r);
            TensorPrimitives.Sigmoid(z, z);
            TensorPrimitives.FusedMultiplyAdd(r, hn, n, n); // n = xp_n + r ⊙ hp_n, then tanh
            TensorPrimitives.Tanh(n, n);
        }
        StepState(saved.Span, longest - 1, plane, lengths, hidden, y.Value.Span, update: true);
        tape.Record(y, () => GruBackward(y, xp, wh, bh, w, saved, lengthsSaved.Span, steps, longest));
        return y;
    }

    /// <summary>
    /// The state after step <paramref name="t"/>, h' = n + z ⊙ (h − n) for rows still running and h
    /// for the rest, written into the next step's "before" plane, or into <paramref name="final"/>
    /// when <paramref name="update"/> (the last step).
    /// </summary>
    static void StepState(Span<float> saved, int t, int plane, ReadOnlySpan<int> lengths, int hidden, Span<float> final, bool update)
    {
        if (t < 0) return;
        var at = saved.Slice(t * 5 * plane, 5 * plane);
        ReadOnlySpan<float> before = at[..plane], z = at.Slice(2 * plane, plane), n = at.Slice(3 * plane, plane);
        var next = update ? final : saved.Slice((t + 1) * 5 * plane, plane);
        for (int b = 0; b < lengths.Length; b++)
        {
            var row = next.Slice(b * hidden, hidden);
            var h = before.Slice(b * hidden, hidden);
            if (t >= lengths[b])
            {
                h.CopyTo(row);
                continue;
            }
            var nb = n.Slice(b * hidden, hidden);
            TensorPrimitives.Subtract(h, nb, row);
            TensorPrimitives.FusedMultiplyAdd(z.Slice(b * hidden, hidden), row, nb, row);
        }
    }

    /// <summary>Back through the steps: per step the gate gradients, then three products each for dh and dwh.</summary>
    static void GruBackward(Variable y, Variable xp, Variable wh, Variable bh, Tensor w, Tensor saved, ReadOnlySpan<int> lengths,
        int steps, int longest)
    {
        int batch = lengths.Length, hidden = wh.Rows, plane = batch * hidden, square = hidden * hidden;
        float[] scratch = TensorPool.Rent(6 * plane + 3 * square + 3 * hidden);
        try
        {
            var all = scratch.AsSpan(0, 6 * plane + 3 * square + 3 * hidden);
            all.Clear();
            Span<float> dh = all[..plane], dhPrev = all.Slice(plane, plane);
            Span<float> dr = all.Slice(2 * plane, plane), dz = all.Slice(3 * plane, plane), dn = all.Slice(4 * plane, plane), tmp = all.Slice(5 * plane, plane);
            Span<float> dw = all.Slice(6 * plane, 3 * square), db = all.Slice(6 * plane + 3 * square, 3 * hidden);
            y.Grad.Span.CopyTo(dh);
            using var dx = new Sink(xp);
            dx.Span.Clear();
            var ws = w.Span;
            for (int t = longest - 1; t >= 0; t--)
            {
                var at = saved.Span.Slice(t * 5 * plane, 5 * plane);
                ReadOnlySpan<float> before = at[..plane], r = at.Slice(plane, plane), z = at.Slice(2 * plane, plane), n = at.Slice(3 * plane, plane), hn = at.Slice(4 * plane, plane);
                // h' = n + z ⊙ (h − n): dz = dh ⊙ (h − n), dn = dh ⊙ (1 − z), and dh ⊙ z goes straight back.
                TensorPrimitives.Subtract(before, n, dz);
                TensorPrimitives.Multiply(dz, dh, dz);
                TensorPrimitives.Multiply(dh, z, dhPrev);
                TensorPrimitives.Subtract(dh, dhPrev, dn);
                // n = tanh(a_n): da_n = dn ⊙ (1 − n²); a_n = xp_n + r ⊙ hp_n: dr = da_n ⊙ hp_n, dhp_n = da_n ⊙ r.
                TensorPrimitives.Multiply(n, n, tmp);
                TensorPrimitives.Subtract(1f, tmp, tmp);
                TensorPrimitives.Multiply(dn, tmp, dn);
                TensorPrimitives.Multiply(dn, hn, dr);
                // σ' = σ (1 − σ): da_r = dr ⊙ r ⊙ (1 − r), da_z = dz ⊙ z ⊙ (1 − z).
                TensorPrimitives.Subtract(1f, r, tmp);
                TensorPrimitives.Multiply(tmp, r, tmp);
                TensorPrimitives.Multiply(dr, tmp, dr);
                TensorPrimitives.Subtract(1f, z, tmp);
                TensorPrimitives.Multiply(tmp, z, tmp);
                TensorPrimitives.Multiply(dz, tmp, dz);
                // Rows past their length: the state passed through unchanged, so no gate gradient.
                for (int b = 0; b < batch; b++)
                {
                    var rowGrad = dh.Slice(b * hidden, hidden);
                    if (t >= lengths[b])
                    {
                        rowGrad.CopyTo(dhPrev.Slice(b * hidden, hidden));
                        dr.Slice(b * hidden, hidden).Clear();
                        dz.Slice(b * hidden, hidden).Clear();
                        dn.Slice(b * hidden, hidden).Clear();
                        continue;
                    }
                    var dxRow = dx.Span.Slice((b * steps + t) * 3 * hidden, 3 * hidden);
                    dr.Slice(b * hidden, hidden).CopyTo(dxRow);
                    dz.Slice(b * hidden, hidden).CopyTo(dxRow.Slice(hidden, hidden));
                    dn.Slice(b * hidden, hidden).CopyTo(dxRow.Slice(2 * hidden, hidden));
                }
                TensorPrimitives.Multiply(dn, r, dn); // now dhp_n
                // hp = h·wh + bh: dh += dhp · whᵀ, dwh += hᵀ · dhp, dbh += Σ_b dhp.
                Gemm.Multiply(dr, ws[..square], dhPrev, batch, hidden, hidden, transB: true, accumulate: true);
                Gemm.Multiply(dz, ws.Slice(square, square), dhPrev, batch, hidden, hidden, transB: true, accumulate: true);
                Gemm.Multiply(dn, ws.Slice(2 * square, square), dhPrev, batch, hidden, hidden, transB: true, accumulate: true);
                if (wh.RequiresGrad)
                {
                    Gemm.Multiply(before, dr, dw[..square], hidden, hidden, batch, transA: true, accumulate: true);
                    Gemm.Multiply(before, dz, dw.Slice(square, square), hidden, hidden, batch, transA: true, accumulate: true);
                    Gemm.Multiply(before, dn, dw.Slice(2 * square, square), hidden, hidden, batch, transA: true, accumulate: true);
                }
                if (bh.RequiresGrad)
                    for (int g = 0; g < 3; g++)
                    {
                        var part = db.Slice(g * hidden, hidden);
                        K.SumColumns(g == 0 ? dr : g == 1 ? dz : dn, hidden, tmp[..hidden]);
                        TensorPrimitives.Add(part, tmp[..hidden], part);
                    }
                dhPrev.CopyTo(dh);
            }
            if (wh.RequiresGrad)
            {
                using var dwh = new GradSink(wh);
                for (int g = 0; g < 3; g++)
                    for (int i = 0; i < hidden; i++)
                        dw.Slice((g * hidden + i) * hidden, hidden).CopyTo(dwh.Span.Slice(i * 3 * hidden + g * hidden, hidden));
            }
            if (bh.RequiresGrad)
            {
                using var dbh = new GradSink(bh);
                db.CopyTo(dbh.Span);
            }
        }
        finally
        {
            TensorPool.Return(scratch);
        }
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
