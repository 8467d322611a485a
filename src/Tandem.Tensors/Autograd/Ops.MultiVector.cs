using System.Buffers;
using Tandem.Tensors.Kernels;
using K = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Late interaction of every query with every candidate (ColBERT's MaxSim, in-batch):
    /// <paramref name="queries"/> is [Bq, Lq, d] and <paramref name="candidates"/> [Bc, Lc, d]; query b
    /// has its first <c>queryCounts[b]</c> vectors and candidate k its first <c>candidateCounts[k]</c>,
    /// the rest being padding (empty counts: every row is real). The result is [Bq, Bc] with
    /// <c>y[b, k] = Σ_{i &lt; queryCounts[b]} max_{j &lt; candidateCounts[k]} ⟨q[b, i], c[k, j]⟩</c>.
    /// Gradients flow only through each maximum (the first on ties); padding gets none. An empty
    /// candidate scores −∞ against a non-empty query.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not rank 3 of one width, or a count list has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is outside 0..L.</exception>
    public static Variable MaxSim(this Tape tape, Variable queries, ReadOnlySpan<int> queryCounts, Variable candidates, ReadOnlySpan<int> candidateCounts)
    {
        const string op = nameof(MaxSim);
        var q = queries.Value;
        var c = candidates.Value;
        if (q.Rank != 3 || c.Rank != 3 || q.Shape[2] != c.Shape[2])
            AutogradThrow.Shape(op, $"needs queries [Bq, Lq, d] and candidates [Bc, Lc, d] of one width d, got {q} and {c}.");
        int bq = q.Shape[0], lq = q.Shape[1], bc = c.Shape[0], lc = c.Shape[1], d = q.Shape[2];
        var qCounts = Counts(op, nameof(queryCounts), queryCounts, bq, lq);
        var cCounts = Counts(op, nameof(candidateCounts), candidateCounts, bc, lc);
        var y = tape.Output(Tensor.Empty(bq, bc), queries.RequiresGrad || candidates.RequiresGrad);
        int pairs = bq * bc * lq;
        int[] argmax = ArrayPool<int>.Shared.Rent(pairs);
        K.MaxSimPairs(q.Span, lq, qCounts, c.Span, lc, cCounts, d, y.Value.Span, argmax.AsSpan(0, pairs), Simd.Best);
        var maxima = y.RequiresGrad ? tape.Save(argmax.AsSpan(0, pairs)) : default;
        ArrayPool<int>.Shared.Return(argmax);
        tape.Record(y, () =>
        {
            var dy = y.Grad.Span;
            if (queries.RequiresGrad)
            {
                using var dq = new GradSink(queries);
                K.MaxSimPairsBackward(dy, q.Span, lq, bq, c.Span, lc, bc, d, maxima.Span, dq.Span, default);
            }
            if (candidates.RequiresGrad)
            {
                using var dc = new GradSink(candidates);
                K.MaxSimPairsBackward(dy, q.Span, lq, bq, c.Span, lc, bc, d, maxima.Span, default, dc.Span);
            }
        });
        return y;
    }

    /// <summary>The counts as given, checked, or every row when none are given.</summary>
    static ReadOnlySpan<int> Counts(string op, string what, ReadOnlySpan<int> counts, int items, int rows)
    {
        if (counts.IsEmpty)
        {
            var all = new int[items];
            Array.Fill(all, rows);
            return all;
        }
        if (counts.Length != items) AutogradThrow.Shape(op, $"{what} holds {counts.Length} counts for {items} items.");
        for (int i = 0; i < counts.Length; i++)
            if ((uint)counts[i] > (uint)rows) AutogradThrow.Index(op, what, i, counts[i], rows + 1);
        return counts;
    }

    /// <summary>
    /// Attention pooling of padded sequences into several vectors each (the multi-interest
    /// extraction of ComiRec-SA): <paramref name="scores"/> [B·T, K] and <paramref name="values"/>
    /// [B·T, d] hold sequence b's steps in rows b·T..b·T + T − 1, of which the first <c>lengths[b]</c> are
    /// real. For each b and head k, <c>a = softmax over t &lt; lengths[b] of scores[b·T + t, k]</c> and
    /// <c>y[b·K + k] = Σ_t a_t · values[b·T + t]</c>; the result is [B·K, d]. An empty sequence gives
    /// zero vectors and passes no gradient; padding rows get none.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes disagree with each other or with the lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside 0..T.</exception>
    public static Variable SoftmaxPool(this Tape tape, Variable scores, Variable values, ReadOnlySpan<int> lengths)
    {
        const string op = nameof(SoftmaxPool);
        var s = scores.Value;
        var v = values.Value;
        int batch = lengths.Length;
        if (s.Rank != 2 || v.Rank != 2 || s.Rows != v.Rows || batch == 0 || s.Rows % batch != 0)
            AutogradThrow.Shape(op, $"needs scores [B·T, K] and values [B·T, d] with B = {batch} sequences, got {s} and {v}.");
        int steps = s.Rows / batch, heads = s.Cols, d = v.Cols;
        for (int b = 0; b < batch; b++)
            if ((uint)lengths[b] > (uint)steps) AutogradThrow.Index(op, nameof(lengths), b, lengths[b], steps + 1);
        var y = tape.Output(Tensor.Zeros(batch * heads, d), scores.RequiresGrad || values.RequiresGrad);
        var weights = tape.Save(batch * steps, heads);
        var w = weights.Span;
        w.Clear();
        for (int b = 0; b < batch; b++)
        {
            int n = lengths[b], first = b * steps;
            if (n == 0) continue;
            for (int k = 0; k < heads; k++)
            {
                float max = float.NegativeInfinity, sum = 0;
                for (int t = 0; t < n; t++) max = Math.Max(max, s[first + t, k]);
                for (int t = 0; t < n; t++) sum += w[(first + t) * heads + k] = MathF.Exp(s[first + t, k] - max);
                for (int t = 0; t < n; t++) w[(first + t) * heads + k] /= sum;
            }
            // y_b [K, d] = w_bᵀ [K, n] · values_b [n, d].
            Gemm.Multiply(w.Slice(first * heads, n * heads), v.Span.Slice(first * d, n * d), y.Value.Span.Slice(b * heads * d, heads * d),
                heads, d, n, transA: true);
        }
        var kept = tape.Save(lengths);
        tape.Record(y, () => SoftmaxPoolBackward(y, scores, values, weights, kept.Span, steps));
        return y;
    }

    static void SoftmaxPoolBackward(Variable y, Variable scores, Variable values, Tensor weights, ReadOnlySpan<int> lengths, int steps)
    {
        int heads = scores.Cols, d = values.Cols;
        var dy = y.Grad.Span;
        var w = weights.Span;
        var v = values.Value.Span;
        if (values.RequiresGrad)
        {
            using var dv = new GradSink(values);
            dv.Span.Clear();
            // dvalues_b [n, d] = w_b [n, K] · dy_b [K, d].
            for (int b = 0; b < lengths.Length; b++)
                if (lengths[b] > 0)
                    Gemm.Multiply(w.Slice(b * steps * heads, lengths[b] * heads), dy.Slice(b * heads * d, heads * d),
                        dv.Span.Slice(b * steps * d, lengths[b] * d), lengths[b], d, heads);
        }
        if (!scores.RequiresGrad) return;
        using var ds = new GradSink(scores);
        var g = ds.Span;
        g.Clear();
        for (int b = 0; b < lengths.Length; b++)
        {
            int n = lengths[b], first = b * steps;
            if (n == 0) continue;
            // da [n, K] = values_b [n, d] · dy_bᵀ; then the softmax backward down each column.
            var da = g.Slice(first * heads, n * heads);
            Gemm.Multiply(v.Slice(first * d, n * d), dy.Slice(b * heads * d, heads * d), da, n, heads, d, transB: true);
            for (int k = 0; k < heads; k++)
            {
                float dot = 0;
                for (int t = 0; t < n; t++) dot += w[(first + t) * heads + k] * da[t * heads + k];
                for (int t = 0; t < n; t++) da[t * heads + k] = w[(first + t) * heads + k] * (da[t * heads + k] - dot);
            }
        }
    }
}
