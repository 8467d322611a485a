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
/// Call order: once per step, in step order (the batch's <see cref="CandidateBatch.Step"/>).
/// </summary>
public sealed class StreamingLogQ : ILogitsTweak
{
    readonly long[] lastSeen;
    readonly float[] gap;
    readonly float alpha;

    /// <summary>An estimator of <paramref name="buckets"/> cells and learning rate <paramref name="alpha"/>.</summary>
    public StreamingLogQ(int buckets, float alpha = 0.01f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        if (!(alpha is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1].");
        lastSeen = new long[buckets];
        Array.Fill(lastSeen, -1);
        gap = new float[buckets];
        this.alpha = alpha;
    }

    /// <summary>The estimated probability that item <paramref name="item"/> appears in a step.</summary>
    public float Probability(int item)
    {
        float b = gap[Bucket(item)];
        return b > 0 ? MathF.Min(1, 1 / b) : 1;
    }

    /// <summary>Records that <paramref name="item"/> appeared at <paramref name="step"/>.</summary>
    public void Update(int item, long step)
    {
        int h = Bucket(item);
        if (lastSeen[h] >= 0 && step > lastSeen[h]) gap[h] = (1 - alpha) * gap[h] + alpha * (step - lastSeen[h]);
        else if (lastSeen[h] < 0) gap[h] = step + 1; // first sighting: the gap so far
        lastSeen[h] = step;
    }

    /// <inheritdoc/>
    public void Apply(CandidateBatch batch, ReadOnlySpan<float> scores)
    {
        for (int c = 0; c < batch.Rows; c++) Update(batch.Items[c], batch.Step);
        for (int c = 0; c < batch.Rows; c++) batch.LogQ[c] = MathF.Log(Probability(batch.Items[c]));
    }

    int Bucket(int item) => (int)((uint)(item * -1640531535) % (uint)gap.Length);
}
