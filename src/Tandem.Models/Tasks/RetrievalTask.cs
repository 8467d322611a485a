using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tasks;

/// <summary>Options of a <see cref="RetrievalTask"/>.</summary>
public readonly record struct RetrievalOptions
{
    /// <summary>Creates the defaults.</summary>
    public RetrievalOptions() { }
    /// <summary>Softmax temperature τ: logits are scores / τ. Default 0.05.</summary>
    public float Temperature { get; init; } = 0.05f;
    /// <summary>Also train the candidate→query direction (symmetric InfoNCE) on the in-batch block, averaging both. Default false.</summary>
    public bool Symmetric { get; init; }
}

/// <summary>
/// Retrieval with a softmax over the batch's candidates (in-batch and any extra sampled ones, or
/// the whole catalogue): row r's logits are <c>score(r, c)/τ − log q(c)</c> with the candidate's
/// log q, masked where a tweak says so, and the loss is the (weighted) mean cross-entropy with the
/// row's target column (<see cref="CandidateBatch.Targets"/>). The tweaks —
/// logQ correction, accidental-hit removal, hard negatives — are small classes run in order.
/// </summary>
public sealed class RetrievalTask : ITask
{
    readonly ILogitsTweak[] tweaks;
    readonly RetrievalOptions options;
    int[] targets = [];

    /// <summary>A task with <paramref name="options"/> applying <paramref name="tweaks"/> in order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not positive.</exception>
    public RetrievalTask(RetrievalOptions options, params ILogitsTweak[] tweaks)
    {
        if (!(options.Temperature > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, "The temperature must be positive, e.g. 0.05.");
        this.options = options;
        this.tweaks = tweaks;
    }

    /// <summary>The tweaks, in order.</summary>
    public IReadOnlyList<ILogitsTweak> Tweaks => tweaks;

    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers => [.. tweaks.SelectMany(t => t.Buffers)];

    /// <inheritdoc/>
    public Variable Loss(Tape tape, Variable queries, Variable candidates, CandidateBatch batch)
    {
        int rows = batch.Rows, cols = batch.Columns;
        var loss = Softmax(tape, tape.MatMul(queries, candidates, transB: true), batch);
        if (!options.Symmetric) return loss;
        var weights = Weights(batch);
        if (targets.Length < rows) targets = Enumerable.Range(0, rows).ToArray();
        // Candidate → query on the in-batch block: row c of the transpose ranks the queries for candidate c.
        var back = tape.Scale(tape.MatMul(tape.SliceRows(candidates, 0, rows), queries, transB: true), 1 / options.Temperature);
        var mask = new bool[rows * rows];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < rows; c++) mask[c * rows + r] = batch.Mask[r * cols + c];
        var reverse = tape.SoftmaxCrossEntropy(back, targets.AsSpan(0, rows), mask, weights);
        return tape.Scale(tape.Add(loss, reverse), 0.5f);
    }

    /// <summary>
    /// The query→candidate loss of raw scores [B, N]: the tweaks, then the softmax cross-entropy of
    /// scores/τ − log q with the mask and weights. Shared with <see cref="LateInteractionTask"/>.
    /// </summary>
    internal Variable Softmax(Tape tape, Variable scores, CandidateBatch batch)
    {
        int rows = batch.Rows, cols = batch.Columns;
        foreach (var t in tweaks) t.Apply(batch, scores.Value.Span);
        var logQ = batch.LogQ.AsSpan(0, cols);
        // The loss op divides by τ and subtracts log q itself: no scaled or shifted B×N copies.
        var offsets = batch.MultiTarget ? batch.TargetOffsets.AsSpan(0, rows + 1) : default;
        return tape.SoftmaxCrossEntropy(scores, batch.Targets.AsSpan(0, batch.MultiTarget ? offsets[rows] : rows), batch.Mask.AsSpan(0, rows * cols), Weights(batch),
            1 / options.Temperature, logQ.ContainsAnyExcept(0f) ? logQ : default, offsets);
    }

    /// <summary>The options.</summary>
    public RetrievalOptions Options => options;

    internal static ReadOnlySpan<float> Weights(CandidateBatch batch)
    {
        var w = batch.Weights.AsSpan(0, batch.Rows);
        foreach (float x in w) if (x != 1) return w;
        return default;
    }
}
