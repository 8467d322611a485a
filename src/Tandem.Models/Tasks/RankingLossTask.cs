using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tasks;

/// <summary>The losses of <see cref="RankingLossTask"/>.</summary>
public enum RankingLoss
{
    /// <summary>
    /// Pointwise binary cross-entropy with sampled negatives: each row's positive has label 1, every
    /// other unmasked candidate label 0; the mean over those pairs.
    /// </summary>
    SampledBce,
    /// <summary>Pointwise binary cross-entropy of each row's positive score against its explicit label (CTR data).</summary>
    LabelBce,
    /// <summary>BPR: the mean over unmasked (row, negative) pairs of <c>−log σ(s⁺ − s⁻)</c>.</summary>
    Bpr,
    /// <summary>Hinge: the mean over unmasked (row, negative) pairs of <c>max(0, margin − s⁺ + s⁻)</c>.</summary>
    Hinge,
}

/// <summary>
/// Pointwise and pairwise losses over the same candidates as <see cref="RetrievalTask"/>, with
/// scores <c>s = q·c / τ</c> and the same tweaks (accidental hits masked, hard negatives).
/// Example weights multiply each row's terms.
/// </summary>
public sealed class RankingLossTask : ITask
{
    readonly RankingLoss kind;
    readonly float temperature, margin;
    readonly ILogitsTweak[] tweaks;

    /// <summary>A task computing <paramref name="kind"/>; <paramref name="margin"/> is the hinge margin.</summary>
    public RankingLossTask(RankingLoss kind, float temperature = 1, float margin = 1, params ILogitsTweak[] tweaks)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be positive.");
        this.kind = kind;
        this.temperature = temperature;
        this.margin = margin;
        this.tweaks = tweaks;
    }

    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers => [.. tweaks.SelectMany(t => t.Buffers)];

    /// <inheritdoc/>
    public Variable Loss(Tape tape, Variable queries, Variable candidates, CandidateBatch batch)
    {
        int rows = batch.Rows, cols = batch.Columns;
        if (kind == RankingLoss.LabelBce)
        {
            // s_r = Σ_d q[r,d]·c[r,d] / τ, as a row-sum by a ones column.
            var diag = Diagonal(tape, queries, tape.SliceRows(candidates, 0, rows));
            return tape.BceWithLogits(tape.Scale(diag, 1 / temperature), batch.Labels.AsSpan(0, rows), RetrievalTask.Weights(batch));
        }
        var scores = tape.MatMul(queries, candidates, transB: true);
        foreach (var t in tweaks) t.Apply(batch, scores.Value.Span);
        var s = tape.Scale(scores, 1 / temperature);
        // w[r, c]: the row's weight on each kept pair, scaled so the loss is a mean over kept pairs.
        var w = new float[rows * cols];
        int kept = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                bool pair = !batch.Mask[r * cols + c] && (c != r || kind == RankingLoss.SampledBce);
                if (!pair) continue;
                w[r * cols + c] = batch.Weights[r];
                kept++;
            }
        if (kept == 0) ModelThrow.Config("Every candidate pair of the batch is masked; a batch needs at least two distinct items.");
        if (kind == RankingLoss.SampledBce)
        {
            var labels = new float[rows * cols];
            for (int r = 0; r < rows; r++) labels[r * cols + r] = 1;
            for (int i = 0; i < w.Length; i++) w[i] *= (float)w.Length / kept;
            return tape.BceWithLogits(s, labels, w);
        }
        // d[r, c] = s[r, c] − s[r, r]: the positive's score spread over its row by an outer product with ones.
        var positive = Diagonal(tape, tape.Scale(queries, 1 / temperature), tape.SliceRows(candidates, 0, rows));
        var spread = tape.MatMul(positive, tape.Constant(Ones(cols), 1, cols));
        var d = tape.Subtract(s, spread);
        if (kind == RankingLoss.Bpr)
        {
            // −log σ(s⁺ − s⁻) = BCE of the logit s⁻ − s⁺ against label 0.
            for (int i = 0; i < w.Length; i++) w[i] *= (float)w.Length / kept;
            return tape.BceWithLogits(d, new float[rows * cols], w);
        }
        var hinge = tape.Relu(tape.Add(d, tape.Constant(Fill(cols, margin), cols)));
        return tape.Scale(tape.Sum(tape.Multiply(hinge, tape.Constant(w, rows, cols))), 1f / kept);
    }

    static Variable Diagonal(Tape tape, Variable a, Variable b) =>
        tape.MatMul(tape.Multiply(a, b), tape.Constant(Ones(a.Cols), a.Cols, 1));

    static float[] Ones(int n) => Fill(n, 1);

    static float[] Fill(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}
