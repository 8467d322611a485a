using K = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Softmax cross-entropy over rows, as used for in-batch softmax retrieval: row b of the B×N
    /// <paramref name="logits"/> has the correct column <c>targets[b]</c>. Where
    /// <paramref name="mask"/> (B×N, optional) is true the logit is excluded (set to -∞), e.g.
    /// accidental hits. The loss is <c>Σ_b w_b·(-log softmax(row b)[targets[b]]) / B</c> with the
    /// optional per-row <paramref name="weights"/> (1 when empty), a scalar. The softmax reads
    /// <c>scale·logits[b, j] − shift[j]</c>: a temperature (<paramref name="scale"/> = 1/τ) and a
    /// per-column correction such as log q (<paramref name="shift"/>, N values, none when empty)
    /// fused in, so scores need no scaled and shifted copy (forward and backward) of their own.
    /// With <paramref name="offsets"/> (B + 1 ascending values from 0), row b has several targets,
    /// <c>targets[offsets[b]..offsets[b + 1]]</c>, and its term is the sum of their −log softmax: the
    /// multinomial log-likelihood of a user's items (Mult-DAE, Liang et al. 2018).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree with the logits, or a target is masked.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside the columns.</exception>
    public static Variable SoftmaxCrossEntropy(this Tape tape, Variable logits, ReadOnlySpan<int> targets,
        ReadOnlySpan<bool> mask = default, ReadOnlySpan<float> weights = default, float scale = 1, ReadOnlySpan<float> shift = default,
        ReadOnlySpan<int> offsets = default)
    {
        const string op = nameof(SoftmaxCrossEntropy);
        int rows = logits.Rows, cols = logits.Cols;
        if (offsets.IsEmpty && targets.Length != rows) AutogradThrow.Shape(op, $"{targets.Length} targets for {rows} rows of logits {logits.Value}.");
        if (!offsets.IsEmpty && (offsets.Length != rows + 1 || offsets[0] != 0 || offsets[rows] != targets.Length))
            AutogradThrow.Shape(op, $"{offsets.Length} target offsets for {rows} rows and {targets.Length} targets; they must be {rows + 1}, from 0 to {targets.Length}.");
        if (!mask.IsEmpty && mask.Length != rows * cols) AutogradThrow.Shape(op, $"mask holds {mask.Length} flags, logits {logits.Value} need {rows * cols}.");
        if (!weights.IsEmpty && weights.Length != rows) AutogradThrow.Shape(op, $"{weights.Length} weights for {rows} rows of logits.");
        if (!shift.IsEmpty && shift.Length != cols) AutogradThrow.Shape(op, $"{shift.Length} shifts for {cols} columns of logits.");
        for (int b = 0; b < rows; b++)
        {
            int first = offsets.IsEmpty ? b : offsets[b], end = offsets.IsEmpty ? b + 1 : offsets[b + 1];
            if (end < first) AutogradThrow.Shape(op, $"target offsets fall at row {b} ({first} then {end}).");
            for (int i = first; i < end; i++)
            {
                if ((uint)targets[i] >= (uint)cols) AutogradThrow.Index(op, nameof(targets), i, targets[i], cols);
                if (!mask.IsEmpty && mask[b * cols + targets[i]]) AutogradThrow.Shape(op, $"mask excludes the target logit of row {b} (column {targets[i]}).");
            }
        }
        // probs holds the scaled, shifted and masked logits, then their log-softmax, then (kept for backward) the softmax.
        var probs = tape.Save(rows, cols);
        var p = probs.Span;
        K.Scale(logits.Value.Span, scale, p);
        if (!shift.IsEmpty)
            for (int b = 0; b < rows; b++) System.Numerics.Tensors.TensorPrimitives.Subtract(p.Slice(b * cols, cols), shift, p.Slice(b * cols, cols));
        if (!mask.IsEmpty)
            for (int i = 0; i < p.Length; i++) if (mask[i]) p[i] = float.NegativeInfinity;
        K.LogSoftmaxRows(p, cols, p);
        double loss = 0;
        for (int b = 0; b < rows; b++)
        {
            double sum = 0;
            for (int i = offsets.IsEmpty ? b : offsets[b], end = offsets.IsEmpty ? b + 1 : offsets[b + 1]; i < end; i++) sum += p[b * cols + targets[i]];
            loss -= (weights.IsEmpty ? 1 : weights[b]) * sum;
        }
        K.Exp(p, p);
        var y = tape.Output(Tensor.Empty(), logits.RequiresGrad);
        y.Value[0] = (float)(loss / Math.Max(1, rows));
        if (!y.RequiresGrad) return y;
        var savedTargets = tape.Save(targets);
        var savedOffsets = offsets.IsEmpty ? default : tape.Save(offsets);
        Tensor? savedWeights = null;
        if (!weights.IsEmpty)
        {
            savedWeights = tape.Save(rows);
            weights.CopyTo(savedWeights.Span);
        }
        tape.Record(y, () =>
        {
            // dlogits[b, j] = g·scale·w_b/B·(n_b·p[b, j] − #{targets of row b at j}), n_b the row's
            // targets (1 without offsets); masked logits have p = 0.
            using var dx = new GradSink(logits);
            var t = savedTargets.Span;
            var o = savedOffsets.Span;
            float g = y.Grad[0] * scale / Math.Max(1, rows);
            for (int b = 0; b < rows; b++)
            {
                int first = o.IsEmpty ? b : o[b], end = o.IsEmpty ? b + 1 : o[b + 1];
                var d = dx.Span.Slice(b * cols, cols);
                K.Scale(probs.Span.Slice(b * cols, cols), end - first, d);
                for (int i = first; i < end; i++) d[t[i]] -= 1;
                K.Scale(d, g * (savedWeights is null ? 1 : savedWeights[b]), d);
            }
        });
        return y;
    }

    /// <summary>
    /// Binary cross-entropy on logits, numerically stable:
    /// <c>l_i = max(x_i, 0) - x_i·y_i + log(1 + e^-|x_i|)</c>, and the loss is
    /// <c>Σ w_i·l_i / n</c> over all n elements with the optional per-element
    /// <paramref name="weights"/> (1 when empty), a scalar. <paramref name="labels"/> lie in [0, 1].
    /// </summary>
    /// <exception cref="ArgumentException">Labels or weights do not match the logits' length.</exception>
    public static Variable BceWithLogits(this Tape tape, Variable logits, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        const string op = nameof(BceWithLogits);
        int n = logits.Value.Length;
        if (labels.Length != n) AutogradThrow.Shape(op, $"{labels.Length} labels for logits {logits.Value}.");
        if (!weights.IsEmpty && weights.Length != n) AutogradThrow.Shape(op, $"{weights.Length} weights for logits {logits.Value}.");
        var x = logits.Value.Span;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            float l = MathF.Max(x[i], 0) - x[i] * labels[i] + MathF.Log(1 + MathF.Exp(-MathF.Abs(x[i])));
            loss += (weights.IsEmpty ? 1 : weights[i]) * (double)l;
        }
        var y = tape.Output(Tensor.Empty(), logits.RequiresGrad);
        y.Value[0] = (float)(loss / Math.Max(1, n));
        if (!y.RequiresGrad) return y;
        // Backward needs σ(x) - label (times the weight): computed now, so nothing else is kept.
        var delta = tape.Save(n);
        var d = delta.Span;
        K.Sigmoid(x, d);
        K.Subtract(d, labels, d);
        if (!weights.IsEmpty) K.Multiply(d, weights, d);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(logits);
            K.Scale(delta.Span, y.Grad[0] / Math.Max(1, n), dx.Span);
        });
        return y;
    }
}
