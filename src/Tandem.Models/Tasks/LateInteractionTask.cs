using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tasks;

/// <summary>Which side's vectors a late-interaction score sums over; the maximum runs over the other side's.</summary>
public enum SumOver
{
    /// <summary>ColBERT: each query vector finds its best candidate vector, and those maxima are summed.</summary>
    Query,
    /// <summary>
    /// Each candidate vector finds its best query vector. With one candidate vector this is the
    /// multi-interest score (ComiRec, MIND): an item is scored by the user's interest closest to it.
    /// </summary>
    Candidate,
}

/// <summary>
/// Retrieval with multi-vector queries and candidates, scored by MaxSim (late interaction) instead
/// of one inner product, with everything else of <see cref="RetrievalTask"/>: the softmax over the
/// batch's candidates with temperature, log q and the tweaks (accidental hits, hard negatives).
/// Queries arrive as [B·Lq, d] (row b·Lq + i is query b's vector i) and candidates as [N·Lc, d];
/// <see cref="CandidateBatch.QueryCounts"/> and <see cref="CandidateBatch.CandidateCounts"/> say how many
/// of each set's vectors are real (the rest are padding). Not thread-safe.
/// </summary>
public sealed class LateInteractionTask : ITask
{
    readonly RetrievalTask softmax;

    /// <summary>A task scoring by MaxSim summed over <paramref name="sumOver"/>'s vectors, with <paramref name="softmax"/>'s loss.</summary>
    /// <exception cref="ArgumentException"><paramref name="softmax"/> is symmetric: the reverse direction is not defined for late interaction here.</exception>
    public LateInteractionTask(RetrievalTask softmax, SumOver sumOver = SumOver.Query)
    {
        if (softmax.Options.Symmetric)
            throw new ArgumentException("Late interaction trains the query→candidate direction only; turn task.symmetric off.", nameof(softmax));
        this.softmax = softmax;
        SumOver = sumOver;
    }

    /// <summary>The side summed over.</summary>
    public SumOver SumOver { get; }

    /// <summary>The softmax loss the MaxSim scores feed.</summary>
    public RetrievalTask Softmax => softmax;

    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers => softmax.Buffers;

    /// <inheritdoc/>
    public Variable Loss(Tape tape, Variable queries, Variable candidates, CandidateBatch batch)
    {
        var q = Sets(tape, queries, batch.Rows, "query");
        var c = Sets(tape, candidates, batch.Columns, "candidate");
        var scores = SumOver == SumOver.Query
            ? tape.MaxSim(q, batch.QueryCounts, c, batch.CandidateCounts)
            : tape.Transpose(tape.MaxSim(c, batch.CandidateCounts, q, batch.QueryCounts));
        return softmax.Softmax(tape, scores, batch);
    }

    /// <summary>[n·L, d] rows as n sets of L vectors.</summary>
    static Variable Sets(Tape tape, Variable x, int n, string side)
    {
        if (x.Value.Rank != 2 || n == 0 || x.Rows % n != 0)
            throw new ModelException($"Late interaction: the {side} vectors {x.Value} are not {n} whole sets of rows; a tower gives [{n}·L, d].");
        return tape.Reshape(x, n, x.Rows / n, x.Cols);
    }
}
