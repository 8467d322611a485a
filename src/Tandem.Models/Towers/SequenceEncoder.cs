using Tandem.Data.Schema;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>How a <see cref="SequenceEncoder"/> reduces a history to one vector.</summary>
public enum SequencePooling
{
    /// <summary>The mean of the events' embeddings (zero for an empty history).</summary>
    Mean,
    /// <summary>A softmax-weighted sum, weights from a learned query's dot product with each event.</summary>
    Attention,
    /// <summary>A GRU read oldest to newest; its last state.</summary>
    Gru,
    /// <summary>One self-attention block (with learned recency-position embeddings and a residual), then the mean over events.</summary>
    SelfAttention,
    /// <summary>
    /// Several interest vectors (ComiRec-SA's self-attentive multi-interest extraction): for each of
    /// <see cref="SequenceOptions.Interests"/> heads k, a softmax over the events of
    /// <c>(tanh(e·W1)·W2)[k]</c> weighs the event embeddings e into one vector. The tower then gives
    /// K vectors per user, and an item is scored by the closest one (max over interests).
    /// </summary>
    Interests,
}

/// <summary>Options of a <see cref="SequenceEncoder"/>.</summary>
public readonly record struct SequenceOptions
{
    /// <summary>Creates the defaults.</summary>
    public SequenceOptions() { }
    /// <summary>How the history is pooled. Default mean.</summary>
    public SequencePooling Pooling { get; init; } = SequencePooling.Mean;
    /// <summary>
    /// Time decay λ ≥ 0 (mean pooling only): event j weighs <c>(1 + hours_j)^-λ</c>, i.e.
    /// <c>exp(-λ·log(1 + hours))</c> from the batch's time since each event; 0 weighs all alike. Default 0.
    /// </summary>
    public float TimeDecay { get; init; }
    /// <summary>Attention heads of the self-attention block; must divide the dimension. Default 2.</summary>
    public int Heads { get; init; } = 2;
    /// <summary>
    /// Train on leave-one-out histories (the user's training history minus the example) instead of
    /// causal ones (the events before it); under a random split this is the history a user has at
    /// evaluation (docs/models.md). Default true.
    /// </summary>
    public bool LeaveOneOut { get; init; } = true;
    /// <summary>
    /// Denoising: in training, each history event is dropped with this probability (a fresh draw
    /// every step), so the tower learns the user from any part of their history rather than
    /// memorising the whole of it. Evaluation reads every event. Default 0.5 (chosen on
    /// validation: docs/experiments.md, "Retrieval quality").
    /// </summary>
    public float Dropout { get; init; } = 0.5f;
    /// <summary>
    /// Read history events from the item tower's id embedding table instead of a table of the
    /// history's own, so an item has one vector on both sides and every history trains it. Default false.
    /// </summary>
    public bool ShareItemEmbeddings { get; init; }
    /// <summary>Events read per history (the most recent); 0: the schema feature's <c>max_length</c>. Default 0.</summary>
    public int MaxLength { get; init; }
    /// <summary>Interest vectors K per user with <see cref="SequencePooling.Interests"/>. Default 4.</summary>
    public int Interests { get; init; } = 4;
    /// <summary>Hidden width of the interest attention (W1 is d × this, W2 this × K); 0: the embedding width. Default 0.</summary>
    public int InterestWidth { get; init; }
}

/// <summary>
/// Encodes a user's history (a sequence feature: ids [count, MaxLength], most recent first,
/// padded with 0 after each length) into one vector per example. The event table's padding
/// row is never read into a result: padded positions are skipped or masked, so padding cannot
/// change an output. Not thread-safe.
/// </summary>
public sealed class SequenceEncoder : IFeatureModule
{
    readonly SequenceOptions options;
    readonly Parameter? query, positions;
    readonly Parameter[] extra;
    readonly Rng? dropRng;
    readonly int[]? rowOfId;
    int[] flat = [], valid = [], keptIds = [], keptLengths = [], rows = [];

    /// <summary>An encoder of <paramref name="cardinality"/> event ids into <paramref name="dimension"/> columns.</summary>
    /// <exception cref="ModelException">The heads do not divide the dimension, or the decay is negative.</exception>
    /// <remarks>
    /// <paramref name="table"/>, if given, is an existing table to read events from (the item tower's
    /// id embeddings), owned by its module; <paramref name="rowOfId"/> maps each of the
    /// <paramref name="cardinality"/> event ids to its row.
    /// </remarks>
    public SequenceEncoder(FeatureSpec spec, int cardinality, int dimension, SequenceOptions options, Random rng, bool sparse = true, float std = 0.1f,
        Parameter? table = null, int[]? rowOfId = null)
    {
        if (options.TimeDecay < 0 || float.IsNaN(options.TimeDecay))
            ModelThrow.Config($"Sequence feature '{spec.Name}': time decay is {options.TimeDecay}; it must be 0 or more.");
        if (!(options.Dropout >= 0 && options.Dropout < 1))
            ModelThrow.Config($"Sequence feature '{spec.Name}': history dropout is {options.Dropout}; it must be in [0, 1).");
        Spec = spec;
        this.options = options;
        Table = table ?? Init.Table(spec.Name + ".embedding", cardinality, dimension, std, rng, sparse, zeroRow0: true);
        if (table is not null && (table.Cols != dimension || rowOfId is null || rowOfId.Length != cardinality))
            ModelThrow.Config($"Sequence feature '{spec.Name}': the shared item table is {table.Cols} wide, the history {dimension}; give the history and the item id one width.");
        Shared = table is not null;
        this.rowOfId = rowOfId;
        // Drawn only with dropout, so models without it initialise exactly as before.
        if (options.Dropout > 0) dropRng = new Rng(rng.Next());
        int d = dimension;
        switch (options.Pooling)
        {
            case SequencePooling.Attention:
                query = Init.Uniform(spec.Name + ".query", d, rng, d, 1);
                extra = [query];
                break;
            case SequencePooling.Gru:
                extra = [Init.Uniform(spec.Name + ".gru.wx", d, rng, d, 3 * d), Init.Uniform(spec.Name + ".gru.wh", d, rng, d, 3 * d),
                    Init.Uniform(spec.Name + ".gru.bx", d, rng, 3 * d), Init.Uniform(spec.Name + ".gru.bh", d, rng, 3 * d)];
                break;
            case SequencePooling.SelfAttention:
                if (options.Heads < 1 || d % options.Heads != 0)
                    ModelThrow.Config($"Sequence feature '{spec.Name}': {options.Heads} heads do not divide the dimension {d}.");
                positions = Init.Table(spec.Name + ".positions", spec.MaxLength, d, std, rng, sparse: false);
                var p = new List<Parameter> { positions };
                foreach (var n in new[] { "q", "k", "v", "o" })
                {
                    p.Add(Init.Uniform($"{spec.Name}.attention.w{n}", d, rng, d, d));
                    p.Add(Init.Uniform($"{spec.Name}.attention.b{n}", d, rng, d));
                }
                extra = p.ToArray();
                break;
            case SequencePooling.Interests:
                if (options.Interests < 1) ModelThrow.Config($"Sequence feature '{spec.Name}': {options.Interests} interests; give at least 1.");
                int hidden = options.InterestWidth > 0 ? options.InterestWidth : d;
                extra = [Init.Uniform(spec.Name + ".interests.w1", d, rng, d, hidden), Init.Uniform(spec.Name + ".interests.w2", hidden, rng, hidden, options.Interests)];
                break;
            default:
                extra = [];
                break;
        }
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <summary>The event table; row 0 is padding.</summary>
    public Parameter Table { get; }
    /// <summary>Whether <see cref="Table"/> belongs to another module (the item tower's ids), which then lists it as its parameter.</summary>
    public bool Shared { get; }
    /// <inheritdoc/>
    public int Width => Table.Cols;
    /// <inheritdoc/>
    public int Vectors => options.Pooling == SequencePooling.Interests ? options.Interests : 1;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Shared ? extra : [Table, .. extra];
    internal SequenceOptions Options => options;
    /// <summary>Attention pooling's query, [dimension, 1]; null for the other poolings.</summary>
    internal Parameter? Query => query;
    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Rng Rng)> Generators => dropRng is null ? [] : [(Spec.Name + ".dropout", dropRng)];

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var f = input[Spec.Name];
        int count = input.Count, steps = Spec.MaxLength;
        var lengths = f.Lengths.AsSpan(0, count);
        var ids = f.Ids.AsSpan(0, count * steps);
        var since = f.Values;
        if (rowOfId is not null) ids = Rows(ids);
        if (training && dropRng is not null)
        {
            since = Drop(ids, lengths, since, steps);
            ids = keptIds.AsSpan(0, count * steps);
            lengths = keptLengths.AsSpan(0, count);
        }
        return options.Pooling switch
        {
            SequencePooling.Mean => Mean(tape, ids, lengths, since, steps),
            SequencePooling.Attention => AttentionPool(tape, ids, lengths, steps),
            SequencePooling.Gru => Gru(tape, ids, lengths, steps),
            SequencePooling.Interests => Interests(tape, ids, lengths, steps),
            _ => SelfAttend(tape, ids, lengths, steps),
        };
    }

    /// <summary>The shared table's row of each event id (padding stays 0 and is never read).</summary>
    Span<int> Rows(ReadOnlySpan<int> ids)
    {
        if (rows.Length < ids.Length) rows = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++) rows[i] = rowOfId![ids[i]];
        return rows.AsSpan(0, ids.Length);
    }

    /// <summary>
    /// The history with each event dropped with probability <see cref="SequenceOptions.Dropout"/>,
    /// survivors kept in order at the front of each row (an all-dropped row is an empty history),
    /// into <see cref="keptIds"/> and <see cref="keptLengths"/>; returns the times since of the survivors.
    /// </summary>
    Tensor? Drop(ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, Tensor? since, int steps)
    {
        int count = lengths.Length;
        if (keptIds.Length < count * steps) { keptIds = new int[count * steps]; keptLengths = new int[count]; }
        var kept = keptIds.AsSpan(0, count * steps);
        kept.Clear();
        var keptSince = since is not null && options.TimeDecay > 0 ? Tensor.Zeros(count, steps) : null;
        float p = options.Dropout;
        for (int b = 0; b < count; b++)
        {
            int n = 0;
            for (int j = 0; j < lengths[b]; j++)
            {
                if (dropRng!.NextSingle() < p) continue;
                if (keptSince is not null) keptSince.Span[b * steps + n] = since!.Span[b * steps + j];
                kept[b * steps + n++] = ids[b * steps + j];
            }
            keptLengths[b] = n;
        }
        return keptSince ?? since;
    }

    /// <summary>Offsets of bags of the valid events, and (optionally) the flat index of each valid event.</summary>
    static int[] ValidOffsets(ReadOnlySpan<int> lengths, int steps, Span<int> flat)
    {
        var offsets = new int[lengths.Length + 1];
        for (int b = 0, n = 0; b < lengths.Length; b++)
        {
            for (int j = 0; j < lengths[b]; j++, n++) if (!flat.IsEmpty) flat[n] = b * steps + j;
            offsets[b + 1] = offsets[b] + lengths[b];
        }
        return offsets;
    }

    /// <summary>The flat positions of the valid events, in reused buffers (ops copy what they keep).</summary>
    Span<int> ValidPositions(ReadOnlySpan<int> lengths, int steps, out int[] offsets)
    {
        int total = 0;
        foreach (int l in lengths) total += l;
        if (flat.Length < total) { flat = new int[total]; valid = new int[total]; }
        offsets = ValidOffsets(lengths, steps, flat);
        return flat.AsSpan(0, total);
    }

    Variable Mean(Tape tape, ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, Tensor? since, int steps)
    {
        var positions = ValidPositions(lengths, steps, out var offsets);
        int total = positions.Length;
        for (int i = 0; i < total; i++) valid[i] = ids[positions[i]];
        if (options.TimeDecay == 0 || since is null) return tape.EmbeddingBag(Table, valid.AsSpan(0, total), offsets, mean: true);
        var rows = tape.Embedding(Table, valid.AsSpan(0, total));
        // Weighted mean: each row scaled by its normalised decay weight, then summed per bag.
        var w = new float[total * Width];
        var s = since.Span;
        for (int b = 0; b < lengths.Length; b++)
        {
            double sum = 0;
            for (int n = offsets[b]; n < offsets[b + 1]; n++) sum += Math.Exp(-options.TimeDecay * s[positions[n]]);
            for (int n = offsets[b]; n < offsets[b + 1]; n++)
                w.AsSpan(n * Width, Width).Fill((float)(Math.Exp(-options.TimeDecay * s[positions[n]]) / sum));
        }
        return tape.BagSum(tape.Multiply(rows, tape.Constant(w, total, Width)), offsets);
    }

    Variable AttentionPool(Tape tape, ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, int steps)
    {
        int count = lengths.Length, d = Width;
        var all = tape.Embedding(Table, ids);
        var scores = tape.Reshape(tape.MatMul(all, query!), count, steps);
        // Padded positions get -∞; an empty history keeps position 0 so its softmax is defined, and is zeroed at the end.
        var mask = new float[count * steps];
        var keep = new float[count * d];
        for (int b = 0; b < count; b++)
        {
            for (int j = Math.Max(lengths[b], 1); j < steps; j++) mask[b * steps + j] = float.NegativeInfinity;
            if (lengths[b] > 0) keep.AsSpan(b * d, d).Fill(1);
        }
        var weights = tape.Softmax(tape.Add(scores, tape.Constant(mask, count, steps)));
        var spread = tape.MatMul(tape.Reshape(weights, count * steps, 1), tape.Constant(Ones(d), 1, d));
        var offsets = new int[count + 1];
        for (int b = 0; b <= count; b++) offsets[b] = b * steps;
        var pooled = tape.BagSum(tape.Multiply(all, spread), offsets);
        return tape.Multiply(pooled, tape.Constant(keep, count, d));
    }

    Variable Gru(Tape tape, ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, int steps)
    {
        int count = lengths.Length;
        // Oldest first, so the last state has read the most recent event.
        var ordered = new int[count * steps];
        for (int b = 0; b < count; b++)
            for (int j = 0; j < lengths[b]; j++) ordered[b * steps + j] = ids[b * steps + lengths[b] - 1 - j];
        var x = tape.Reshape(tape.Embedding(Table, ordered), count, steps, Width);
        return tape.Gru(x, lengths, extra[0], extra[1], extra[2], extra[3]);
    }

    /// <summary>[count·K, d]: each history's K attention-weighted means of its events (zeros for an empty history).</summary>
    Variable Interests(Tape tape, ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, int steps)
    {
        var positions = ValidPositions(lengths, steps, out var offsets);
        int total = positions.Length;
        for (int i = 0; i < total; i++) valid[i] = ids[positions[i]];
        var events = tape.Embedding(Table, valid.AsSpan(0, total));
        var scores = tape.MatMul(tape.Tanh(tape.MatMul(events, extra[0])), extra[1]);
        return tape.SoftmaxPool(scores, events, offsets);
    }

    Variable SelfAttend(Tape tape, ReadOnlySpan<int> ids, ReadOnlySpan<int> lengths, int steps)
    {
        int count = lengths.Length, d = Width;
        var positionIds = new int[count * steps];
        var padding = new bool[count * steps];
        for (int b = 0; b < count; b++)
            for (int j = 0; j < steps; j++)
            {
                positionIds[b * steps + j] = j;
                padding[b * steps + j] = j >= Math.Max(lengths[b], 1);
            }
        var x = tape.Add(tape.Embedding(Table, ids), tape.Embedding(positions!, positionIds));
        var p = extra;
        var attended = tape.SelfAttention(tape.Reshape(x, count, steps, d), padding, options.Heads, p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
        var y = tape.Add(x, tape.Reshape(attended, count * steps, d));
        var events = ValidPositions(lengths, steps, out var offsets);
        return tape.BagMean(tape.Embedding(y, events), offsets);
    }

    static float[] Ones(int n)
    {
        var a = new float[n];
        Array.Fill(a, 1f);
        return a;
    }
}
