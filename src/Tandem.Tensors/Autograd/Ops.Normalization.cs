using K = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>Softmax of each row; entries of -∞ get probability 0 (each row needs one finite entry).</summary>
    public static Variable Softmax(this Tape tape, Variable x)
    {
        int cols = x.Cols;
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.SoftmaxRows(x.Value.Span, cols, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.SoftmaxRowsBackward(y.Value.Span, cols, y.Grad.Span, dx.Span);
        });
        return y;
    }

    /// <summary>Log-softmax of each row, <c>y = x - log Σ_j e^x_j</c>, computed stably.</summary>
    public static Variable LogSoftmax(this Tape tape, Variable x)
    {
        int cols = x.Cols;
        var y = tape.Output(Like(x), x.RequiresGrad);
        K.LogSoftmaxRows(x.Value.Span, cols, y.Value.Span);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.LogSoftmaxRowsBackward(y.Value.Span, cols, y.Grad.Span, dx.Span);
        });
        return y;
    }

    /// <summary>Scales each row to unit L2 norm: <c>y = x / max(‖x‖, eps)</c>.</summary>
    public static Variable L2Normalize(this Tape tape, Variable x, float eps = 1e-12f)
    {
        int cols = x.Cols;
        var y = tape.Output(Like(x), x.RequiresGrad);
        var norms = tape.Save(x.Rows);
        K.L2NormalizeRows(x.Value.Span, cols, y.Value.Span, norms.Span, eps);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            K.L2NormalizeRowsBackward(y.Value.Span, cols, norms.Span, y.Grad.Span, dx.Span, eps);
        });
        return y;
    }

    /// <summary>Normalises each row to zero mean and unit variance, then <c>y = x̂ ⊙ gamma + beta</c> (gamma, beta: one row each).</summary>
    /// <exception cref="ArgumentException">gamma or beta is not one row of <c>x.Cols</c> values.</exception>
    public static Variable LayerNorm(this Tape tape, Variable x, Variable gamma, Variable beta, float eps = 1e-5f)
    {
        int rows = x.Rows, cols = x.Cols;
        if (gamma.Value.Length != cols || beta.Value.Length != cols)
            AutogradThrow.Shape(nameof(LayerNorm), $"gamma {gamma.Value} and beta {beta.Value} need {cols} values, one per column of {x.Value}.");
        var y = tape.Output(Like(x), x.RequiresGrad || gamma.RequiresGrad || beta.RequiresGrad);
        var mean = tape.Save(rows);
        var rstd = tape.Save(rows);
        K.LayerNormRows(x.Value.Span, cols, gamma.Value.Span, beta.Value.Span, y.Value.Span, mean.Span, rstd.Span, eps);
        tape.Record(y, () =>
        {
            using var dx = new Sink(x);
            using var dgamma = new Sink(gamma);
            using var dbeta = new Sink(beta);
            K.LayerNormRowsBackward(x.Value.Span, cols, gamma.Value.Span, mean.Span, rstd.Span, y.Grad.Span, dx.Span, dgamma.Span, dbeta.Span);
        });
        return y;
    }

    /// <summary>
    /// Batch normalisation over the rows of <paramref name="x"/> (one feature per column):
    /// <c>y = (x - μ)/√(σ² + eps) ⊙ gamma + beta</c>. In training μ, σ² are the batch's (biased)
    /// statistics and the running ones move toward them, <c>running = (1-momentum)·running +
    /// momentum·batch</c> (the variance unbiased, as in PyTorch); in eval the running ones are used
    /// and left unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">A per-column tensor does not hold <c>x.Cols</c> values, or training on a single row.</exception>
    public static Variable BatchNorm(this Tape tape, Variable x, Variable gamma, Variable beta,
        Tensor runningMean, Tensor runningVar, bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        int rows = x.Rows, cols = x.Cols;
        if (gamma.Value.Length != cols || beta.Value.Length != cols || runningMean.Length != cols || runningVar.Length != cols)
            AutogradThrow.Shape(nameof(BatchNorm), $"gamma, beta and the running statistics need {cols} values, one per column of {x.Value}.");
        if (training && rows < 2) AutogradThrow.Shape(nameof(BatchNorm), $"training needs at least 2 rows to estimate a variance, got {x.Value}.");
        var mean = tape.Save(cols);
        var rstd = tape.Save(cols);
        var xv = x.Value.Span;
        var m = mean.Span;
        var s = rstd.Span;
        if (training)
        {
            K.SumColumns(xv, cols, m);
            K.Scale(m, 1f / rows, m);
            s.Clear();
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) { float d = xv[r * cols + c] - m[c]; s[c] += d * d; }
            for (int c = 0; c < cols; c++)
            {
                float variance = s[c] / rows;
                runningMean[c] += momentum * (m[c] - runningMean[c]);
                runningVar[c] += momentum * (variance * rows / (rows - 1) - runningVar[c]);
                s[c] = 1 / MathF.Sqrt(variance + eps);
            }
        }
        else
        {
            runningMean.Span.CopyTo(m);
            for (int c = 0; c < cols; c++) s[c] = 1 / MathF.Sqrt(runningVar[c] + eps);
        }
        var y = tape.Output(Like(x), x.RequiresGrad || gamma.RequiresGrad || beta.RequiresGrad);
        var yv = y.Value.Span;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                yv[r * cols + c] = (xv[r * cols + c] - m[c]) * s[c] * gamma.Value[c] + beta.Value[c];
        tape.Record(y, () => BatchNormBackward(x, gamma, beta, y, mean.Span, rstd.Span, training));
        return y;
    }

    /// <summary>
    /// The backward of batch norm (statistics per column, over the n rows). With x̂ the
    /// normalised input and g = dy ⊙ gamma: dx = rstd·(g - mean_rows(g) - x̂·mean_rows(g ⊙ x̂))
    /// when the statistics came from the batch, else rstd·g; dgamma = Σ_rows dy ⊙ x̂, dbeta = Σ_rows dy.
    /// </summary>
    static void BatchNormBackward(Variable x, Variable gamma, Variable beta, Variable y,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, bool batchStats)
    {
        int rows = x.Rows, cols = x.Cols;
        var xv = x.Value.Span;
        var dy = y.Grad.Span;
        using var xhat = Like(x);
        using var dyXhat = Like(x);
        var xh = xhat.Span;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                xh[r * cols + c] = (xv[r * cols + c] - mean[c]) * rstd[c];
        K.Multiply(dy, xh, dyXhat.Span);
        using var dgamma = new Sink(gamma);
        using var dbeta = new Sink(beta);
        K.SumColumns(dyXhat.Span, cols, dgamma.Span);
        K.SumColumns(dy, cols, dbeta.Span);
        if (!x.RequiresGrad) return;
        using var dx = new GradSink(x);
        var d = dx.Span;
        var gv = gamma.Value.Span;
        // Σ_rows g = gamma·dbeta and Σ_rows g ⊙ x̂ = gamma·dgamma, per column.
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int i = r * cols + c;
                d[i] = batchStats
                    ? rstd[c] * gv[c] * (dy[i] - dbeta.Span[c] / rows - xh[i] * dgamma.Span[c] / rows)
                    : rstd[c] * gv[c] * dy[i];
            }
    }
}
