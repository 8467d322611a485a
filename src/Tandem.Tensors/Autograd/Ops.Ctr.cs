using Tandem.Tensors.Kernels;
using K = Tandem.Tensors.Kernels.Kernels;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The factorisation machine's pairwise term (Rendle 2010) over <paramref name="fields"/> field
    /// embeddings side by side in each row of <paramref name="x"/> (B × fields·k):
    /// <c>y_b = ½ Σ_d [(Σ_f e_bfd)² − Σ_f e_bfd²] = Σ_{f&lt;g} ⟨e_bf, e_bg⟩</c>, a B×1 column.
    /// </summary>
    /// <exception cref="ArgumentException">x is not a matrix whose width is a multiple of <paramref name="fields"/>.</exception>
    public static Variable FmInteraction(this Tape tape, Variable x, int fields)
    {
        if (x.Value.Rank != 2 || fields < 1 || x.Cols % fields != 0)
            AutogradThrow.Shape(nameof(FmInteraction), $"x {x.Value} must be B × fields·k with {fields} fields.");
        int rows = x.Rows, k = x.Cols / fields;
        var sums = tape.Save(rows, k);
        var y = tape.Output(Tensor.Empty(rows, 1), x.RequiresGrad);
        var xv = x.Value.Span;
        for (int b = 0; b < rows; b++)
        {
            var s = sums.Span.Slice(b * k, k);
            s.Clear();
            double squares = 0;
            for (int f = 0; f < fields; f++)
            {
                var e = xv.Slice((b * fields + f) * k, k);
                K.Add(s, e, s);
                for (int d = 0; d < k; d++) squares += e[d] * e[d];
            }
            double total = 0;
            for (int d = 0; d < k; d++) total += s[d] * s[d];
            y.Value[b] = (float)(0.5 * (total - squares));
        }
        tape.Record(y, () =>
        {
            // dx_bfd = dy_b·(S_bd − e_bfd)
            using var dx = new GradSink(x);
            for (int b = 0; b < rows; b++)
            {
                float g = y.Grad[b];
                var s = sums.Span.Slice(b * k, k);
                for (int f = 0; f < fields; f++)
                {
                    int at = (b * fields + f) * k;
                    K.Subtract(s, x.Value.Span.Slice(at, k), dx.Span.Slice(at, k));
                    K.Scale(dx.Span.Slice(at, k), g, dx.Span.Slice(at, k));
                }
            }
        });
        return y;
    }

    /// <summary>
    /// One DCN-v2 cross layer (Wang et al. 2021): <c>y = x0 ⊙ (x·w + bias) + x</c> for x0 and x of
    /// B×D, w of D×D and a bias row of D; x0 is the network's input, x the previous layer's output
    /// (x0 itself for the first layer). One op with a fused backward that keeps only <c>x·w + bias</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public static Variable Cross(this Tape tape, Variable x0, Variable x, Variable w, Variable bias)
    {
        int rows = x.Rows, dim = x.Cols;
        if (x.Value.Rank != 2 || !x0.Value.SameShape(x.Value) || w.Value.Rank != 2 || w.Rows != dim || w.Cols != dim || bias.Value.Length != dim)
            AutogradThrow.Shape(nameof(Cross), $"x0 {x0.Value} and x {x.Value} must be one B×D shape, w {w.Value} D×D and bias {bias.Value} D values.");
        var u = tape.Save(rows, dim);
        Gemm.Multiply(x.Value.Span, w.Value.Span, u.Span, rows, dim, dim);
        K.AddBias(u.Span, bias.Value.Span, u.Span);
        var y = tape.Output(Tensor.Empty(rows, dim), x0.RequiresGrad || x.RequiresGrad || w.RequiresGrad || bias.RequiresGrad);
        K.Multiply(x0.Value.Span, u.Span, y.Value.Span);
        K.Add(y.Value.Span, x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            // gu = dy ⊙ x0; dx0 = dy ⊙ u; dx = gu·wᵀ + dy; dw = xᵀ·gu; dbias = Σ_rows gu.
            var dy = y.Grad.Span;
            float[] work = TensorPool.Rent(rows * dim);
            try
            {
                var gu = work.AsSpan(0, rows * dim);
                K.Multiply(dy, x0.Value.Span, gu);
                if (x0.RequiresGrad)
                {
                    using var dx0 = new GradSink(x0);
                    K.Multiply(dy, u.Span, dx0.Span);
                }
                if (x.RequiresGrad)
                {
                    using var dx = new GradSink(x);
                    Gemm.Multiply(gu, w.Value.Span, dx.Span, rows, dim, dim, transB: true);
                    K.Add(dx.Span, dy, dx.Span);
                }
                if (w.RequiresGrad)
                {
                    var dw = w.GradForWrite(out bool acc);
                    Gemm.Multiply(x.Value.Span, gu, dw, dim, dim, rows, transA: true, accumulate: acc);
                }
                if (bias.RequiresGrad)
                {
                    using var db = new GradSink(bias);
                    K.SumColumns(gu, dim, db.Span);
                }
            }
            finally { TensorPool.Return(work); }
        });
        return y;
    }

    /// <summary>
    /// Target attention (DIN-style, Zhou et al. 2018, with a scaled dot product as the affinity):
    /// each example b weighs its history <paramref name="keys"/> rows b·T … b·T + lengths[b] − 1
    /// (of the (B·T)×k matrix; later rows are padding) by their affinity to its candidate
    /// <paramref name="target"/> row b (B×k): <c>a_bt = softmax_t(⟨h_bt, q_b⟩ / √k)</c> and
    /// <c>y_b = Σ_t a_bt·h_bt</c>, B×k; an empty history gives a zero row. Keeps only the weights.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, or a length is outside 0..T.</exception>
    public static Variable TargetAttention(this Tape tape, Variable keys, Variable target, ReadOnlySpan<int> lengths)
    {
        const string op = nameof(TargetAttention);
        int batch = target.Rows, dim = target.Cols;
        if (target.Value.Rank != 2 || keys.Value.Rank != 2 || keys.Cols != dim || batch == 0 || keys.Rows % batch != 0 || lengths.Length != batch)
            AutogradThrow.Shape(op, $"keys {keys.Value} must be (B·T)×k for target {target.Value} (B×k) and {lengths.Length} lengths.");
        int steps = keys.Rows / batch;
        foreach (int n in lengths)
            if ((uint)n > (uint)steps) AutogradThrow.Shape(op, $"a length of {n} is outside 0..{steps}.");
        float scale = 1 / MathF.Sqrt(dim);
        var weights = tape.Save(batch, steps);
        var savedLengths = tape.Save(lengths);
        var y = tape.Output(Tensor.Zeros(batch, dim), keys.RequiresGrad || target.RequiresGrad);
        var h = keys.Value.Span;
        for (int b = 0; b < batch; b++)
        {
            var a = weights.Span.Slice(b * steps, steps);
            a.Clear();
            int n = lengths[b];
            if (n == 0) continue;
            var q = target.Value.Span.Slice(b * dim, dim);
            for (int t = 0; t < n; t++) a[t] = scale * K.Dot(h.Slice((b * steps + t) * dim, dim), q);
            K.SoftmaxRows(a[..n], n, a[..n]);
            var yb = y.Value.Span.Slice(b * dim, dim);
            for (int t = 0; t < n; t++) TP.MultiplyAdd(h.Slice((b * steps + t) * dim, dim), a[t], yb, yb);
        }
        tape.Record(y, () =>
        {
            // dh_bt = a_bt·dy_b + ds_bt·q_b·scale; dq_b = scale·Σ_t ds_bt·h_bt, with
            // da_bt = ⟨dy_b, h_bt⟩ and ds_bt = a_bt·(da_bt − Σ_t' a_bt'·da_bt').
            using var dh = new Sink(keys);
            using var dq = new Sink(target);
            dh.Span.Clear();
            dq.Span.Clear();
            Span<float> da = steps <= 256 ? stackalloc float[steps] : new float[steps];
            var h = keys.Value.Span;
            for (int b = 0; b < batch; b++)
            {
                int n = savedLengths.Span[b];
                var a = weights.Span.Slice(b * steps, steps);
                var g = y.Grad.Span.Slice(b * dim, dim);
                var q = target.Value.Span.Slice(b * dim, dim);
                float mean = 0;
                for (int t = 0; t < n; t++)
                {
                    da[t] = K.Dot(g, h.Slice((b * steps + t) * dim, dim));
                    mean += a[t] * da[t];
                }
                for (int t = 0; t < n; t++)
                {
                    float ds = a[t] * (da[t] - mean) * scale;
                    var dht = dh.Span.Slice((b * steps + t) * dim, dim);
                    TP.MultiplyAdd(g, a[t], dht, dht);
                    TP.MultiplyAdd(q, ds, dht, dht);
                    TP.MultiplyAdd(h.Slice((b * steps + t) * dim, dim), ds, dq.Span.Slice(b * dim, dim), dq.Span.Slice(b * dim, dim));
                }
            }
        });
        return y;
    }

    /// <summary>
    /// Binary cross-entropy of <c>σ(a·s_i + c)</c> against <paramref name="labels"/>, with a learned
    /// <paramref name="scale"/> a and <paramref name="bias"/> c (one value each) over the scores
    /// <paramref name="scores"/> (e.g. two towers' inner products): the mean of
    /// <c>w_i·(max(z_i, 0) − z_i·y_i + log(1 + e^−|z_i|))</c> with <c>z_i = a·s_i + c</c>, a scalar.
    /// </summary>
    /// <exception cref="ArgumentException">Scale or bias is not one value, or labels or weights do not match the scores.</exception>
    public static Variable ScaledBceWithLogits(this Tape tape, Variable scores, Variable scale, Variable bias, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        const string op = nameof(ScaledBceWithLogits);
        int n = scores.Value.Length;
        if (scale.Value.Length != 1 || bias.Value.Length != 1) AutogradThrow.Shape(op, $"scale {scale.Value} and bias {bias.Value} must be one value each.");
        if (labels.Length != n) AutogradThrow.Shape(op, $"{labels.Length} labels for scores {scores.Value}.");
        if (!weights.IsEmpty && weights.Length != n) AutogradThrow.Shape(op, $"{weights.Length} weights for scores {scores.Value}.");
        float a = scale.Value[0], c = bias.Value[0];
        var s = scores.Value.Span;
        var delta = tape.Save(n);
        var d = delta.Span;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            float z = a * s[i] + c, w = weights.IsEmpty ? 1 : weights[i];
            loss += w * (double)(MathF.Max(z, 0) - z * labels[i] + MathF.Log(1 + MathF.Exp(-MathF.Abs(z))));
            d[i] = w * (1 / (1 + MathF.Exp(-z)) - labels[i]); // ∂l/∂z, all backward needs beside s
        }
        var y = tape.Output(Tensor.Empty(), scores.RequiresGrad || scale.RequiresGrad || bias.RequiresGrad);
        y.Value[0] = (float)(loss / Math.Max(1, n));
        tape.Record(y, () =>
        {
            // dz_i = g·δ_i/n; ds_i = a·dz_i; da = Σ s_i·dz_i; dc = Σ dz_i.
            float g = y.Grad[0] / Math.Max(1, n);
            if (scores.RequiresGrad)
            {
                using var ds = new GradSink(scores);
                K.Scale(delta.Span, g * scale.Value[0], ds.Span);
            }
            if (scale.RequiresGrad)
            {
                using var da = new GradSink(scale);
                da.Span[0] = g * K.Dot(delta.Span, scores.Value.Span);
            }
            if (bias.RequiresGrad)
            {
                using var dc = new GradSink(bias);
                dc.Span[0] = g * TP.Sum(delta.Span);
            }
        });
        return y;
    }
}
