namespace Tandem.Data.Batching;

/// <summary>
/// Every feature of a log encoded with fitted state, plus each interaction's label and weight:
/// what <see cref="Batcher"/> gathers from. Immutable; safe to share between batchers.
/// </summary>
public sealed class EncodedData
{
    internal EncodedData(IReadOnlyList<EncodedFeature> features, float[] labels, float[] weights)
    {
        Features = features;
        Labels = labels;
        Weights = weights;
    }

    /// <summary>The encoded features, in schema order (a timestamp contributes up to three).</summary>
    public IReadOnlyList<EncodedFeature> Features { get; }

    /// <summary>The label of each interaction.</summary>
    public float[] Labels { get; }

    /// <summary>The weight of each interaction.</summary>
    public float[] Weights { get; }

    /// <summary>Number of interactions.</summary>
    public int Count => Labels.Length;

    /// <summary>The same features with other labels (e.g. clicks derived from ratings); the features are shared, not copied.</summary>
    /// <exception cref="ArgumentException"><paramref name="labels"/> is not one label per interaction.</exception>
    public EncodedData WithLabels(float[] labels)
    {
        if (labels.Length != Count) throw new ArgumentException($"{labels.Length} labels for {Count} interactions.", nameof(labels));
        return new EncodedData(Features, labels, Weights);
    }

    /// <summary>
    /// Examples composed from these: example e reads its item-tower features from interaction
    /// <paramref name="itemRows"/>[e] and every other feature (user, context, history) from
    /// <paramref name="contextRows"/>[e], with label <paramref name="labels"/>[e] and the context row's
    /// weight; e.g. a user's impression paired with an item they never chose, a sampled non-click.
    /// The features are shared, not copied.
    /// </summary>
    /// <exception cref="ArgumentException">The three arrays differ in length, or a row is outside these interactions.</exception>
    public EncodedData Paired(int[] contextRows, int[] itemRows, float[] labels)
    {
        if (contextRows.Length != labels.Length || itemRows.Length != labels.Length)
            throw new ArgumentException($"{contextRows.Length} context rows, {itemRows.Length} item rows and {labels.Length} labels; one of each per example.", nameof(labels));
        foreach (int r in contextRows.Concat(itemRows))
            if ((uint)r >= (uint)Count) throw new ArgumentException($"row {r} is outside the {Count} interactions.", nameof(contextRows));
        var features = Features.Select(f => (EncodedFeature)new RemappedFeature(f, f.Spec.Tower == Schema.Tower.Item && f.Spec.Kind != Schema.FeatureKind.Sequence ? itemRows : contextRows)).ToArray();
        return new EncodedData(features, labels, [.. contextRows.Select(r => Weights[r])]);
    }

    /// <summary>A batch with buffers for these features.</summary>
    public Batch CreateBatch() => new(Features.Select(f => f.CreateBatchFeature()));

    /// <summary>
    /// Fills <paramref name="batch"/> with the examples <paramref name="rows"/>; features named in
    /// <paramref name="gathers"/> by those gathers instead of their encoded values.
    /// </summary>
    public void Fill(Batch batch, ReadOnlySpan<int> rows, IReadOnlyDictionary<string, IFeatureGather>? gathers = null)
    {
        batch.Resize(rows.Length);
        rows.CopyTo(batch.Rows);
        var labels = batch.Labels.Span;
        var weights = batch.Weights.Span;
        for (int b = 0; b < rows.Length; b++)
        {
            labels[b] = Labels[rows[b]];
            weights[b] = Weights[rows[b]];
        }
        for (int f = 0; f < Features.Count; f++)
        {
            if (gathers is not null && gathers.TryGetValue(Features[f].Name, out var gather)) gather.Gather(rows, batch.Features[f]);
            else Features[f].Gather(rows, batch.Features[f]);
        }
    }
}
