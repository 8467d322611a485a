using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tasks;

/// <summary>
/// logQ correction from fixed training frequencies (Yi et al., RecSys 2019): the in-batch
/// positives' columns get <c>log(B·q(i))</c> with <c>q(i) = count(i) / total</c> over the training
/// examples, the log of the item's expected number of columns among B in-batch positives (the
/// constant log B cancels in an in-batch softmax and makes it comparable with the log(M·p(i))
/// of M extra sampled negatives); extra sampled columns keep the log q their sampler set.
/// </summary>
public sealed class LogQFromCounts : ILogitsTweak
{
    readonly float[] logQ;

    /// <summary>From the training count of each item id (ids never seen get the smallest count, 1).</summary>
    public LogQFromCounts(ReadOnlySpan<int> counts)
    {
        long total = 0;
        foreach (int c in counts) total += c;
        logQ = new float[counts.Length];
        for (int i = 0; i < counts.Length; i++) logQ[i] = (float)Math.Log(Math.Max(1, counts[i]) / (double)Math.Max(1, total));
    }

    /// <summary>log q of item <paramref name="item"/>.</summary>
    public float this[int item] => logQ[item];

    /// <inheritdoc/>
    public void Apply(CandidateBatch batch, ReadOnlySpan<float> scores)
    {
        float logRows = MathF.Log(batch.Rows);
        for (int c = 0; c < batch.Rows; c++) batch.LogQ[c] = logQ[batch.Items[c]] + logRows;
    }
}

/// <summary>
/// Streaming frequency estimation (Yi et al., RecSys 2019, algorithm 2): for each item (hashed
/// into <c>buckets</c>) keep the step it was last seen, A, and a moving average of the gap
/// between sightings, B ← (1 − α)·B + α·(t − A). Then q(i) ≈ 1/B(i) per step, with no pass over
/// the data and following drift. Column c of the in-batch positives gets <c>log(1/B)</c>.
/// A and B are <see cref="Buffers"/> (<c>{name}.last_seen</c>, <c>{name}.gap</c>), so model files
/// and checkpoints keep them; steps are stored as float32, exact for the first 2^24 (16.7 M) steps.
/// Call order: once per step, in step order (the batch's <see cref="CandidateBatch.Step"/>).
/// </summary>
public sealed class StreamingLogQ : ILogitsTweak
{
    readonly StateBuffer lastSeen, gap;
    readonly float alpha;

    /// <summary>An estimator of <paramref name="buckets"/> cells and learning rate <paramref name="alpha"/>, its buffers named <c>{name}.…</c>.</summary>
    public StreamingLogQ(int buckets, float alpha = 0.01f, string name = "task.logq")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        if (!(alpha is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1].");
        lastSeen = StateBuffer.Filled(name + ".last_seen", -1, buckets);
        gap = StateBuffer.Filled(name + ".gap", 0, buckets);
        this.alpha = alpha;
    }

    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers => [lastSeen, gap];

    /// <summary>The estimated probability that item <paramref name="item"/> appears in a step.</summary>
    public float Probability(int item)
    {
        float b = gap.Value[Bucket(item)];
        return b > 0 ? MathF.Min(1, 1 / b) : 1;
    }

    /// <summary>Records that <paramref name="item"/> appeared at <paramref name="step"/>.</summary>
    public void Update(int item, long step)
    {
        int h = Bucket(item);
        ref float last = ref lastSeen.Value[h];
        ref float b = ref gap.Value[h];
        if (last >= 0 && step > last) b = (1 - alpha) * b + alpha * (step - last);
        else if (last < 0) b = step + 1; // first sighting: the gap so far
        last = step;
    }

    /// <inheritdoc/>
    public void Apply(CandidateBatch batch, ReadOnlySpan<float> scores)
    {
        for (int c = 0; c < batch.Rows; c++) Update(batch.Items[c], batch.Step);
        for (int c = 0; c < batch.Rows; c++) batch.LogQ[c] = MathF.Log(Probability(batch.Items[c]));
    }

    int Bucket(int item) => (int)((uint)(item * -1640531535) % (uint)gap.Value.Length);
}
