using Tandem.Data.Schema;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// An embedding table for an id or categorical feature: row <c>ids[b]</c> per example. Row 0 is
/// the out-of-vocabulary row. The table is a sparse <see cref="Parameter"/> when asked, so a step
/// updates only the rows its batch touched. For fusion, an out-of-vocabulary id (a cold item)
/// is a missing modality unless the feature is hashed (bucket 0 is then a real value).
/// </summary>
public sealed class IdEmbedding : IFeatureModule, IModalityMask
{
    /// <summary>A table of <paramref name="cardinality"/> × <paramref name="dimension"/>, N(0, std²).</summary>
    public IdEmbedding(FeatureSpec spec, int cardinality, int dimension, Random rng, bool sparse = true, float std = 0.1f)
    {
        Spec = spec;
        Table = Init.Table(spec.Name + ".embedding", cardinality, dimension, std, rng, sparse);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <summary>The table, cardinality × dimension.</summary>
    public Parameter Table { get; }
    /// <inheritdoc/>
    public int Width => Table.Cols;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [Table];

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training) =>
        tape.Embedding(Table, input[Spec.Name].Ids.AsSpan(0, input.Count));

    /// <inheritdoc/>
    public void Present(TowerInput input, Span<bool> present)
    {
        var ids = input[Spec.Name].Ids;
        for (int b = 0; b < input.Count; b++) present[b] = Spec.HashBuckets > 0 || ids[b] != 0;
    }
}

/// <summary>
/// A hierarchical id: the item's vector is the sum of its own id's embedding and the embeddings
/// of its ancestors (e.g. category + subcategory + item), so rare items borrow strength from
/// their category. All levels share one width.
/// </summary>
public sealed class HierarchicalIdEmbedding : IFeatureModule
{
    readonly IFeatureModule[] levels;

    /// <summary>The sum of <paramref name="levels"/> (the id first, then its ancestors), all of one width.</summary>
    /// <exception cref="ModelException">No levels, or widths differ.</exception>
    public HierarchicalIdEmbedding(params IFeatureModule[] levels)
    {
        if (levels.Length == 0) ModelThrow.Config("A hierarchical id needs at least one level.");
        foreach (var l in levels)
            if (l.Width != levels[0].Width)
                ModelThrow.Config($"Hierarchical id levels must share one width: '{levels[0].Spec.Name}' has {levels[0].Width}, '{l.Spec.Name}' has {l.Width}.");
        this.levels = levels;
    }

    /// <inheritdoc/>
    public FeatureSpec Spec => levels[0].Spec;
    /// <summary>The levels summed, the id first.</summary>
    internal IReadOnlyList<IFeatureModule> Levels => levels;
    /// <summary>Every level's feature, the id first.</summary>
    public IEnumerable<FeatureSpec> Specs => levels.Select(l => l.Spec);
    /// <inheritdoc/>
    public int Width => levels[0].Width;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => levels.SelectMany(l => l.Parameters).ToArray();
    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers => levels.SelectMany(l => l.Buffers).ToArray();

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var sum = levels[0].Encode(tape, input, training);
        for (int i = 1; i < levels.Length; i++) sum = tape.Add(sum, levels[i].Encode(tape, input, training));
        return sum;
    }
}

/// <summary>
/// A bag of ids (multi-categorical) pooled by sum or mean: example b pools the rows of
/// <c>ids[offsets[b]..offsets[b+1]]</c>; an empty bag gives zeros.
/// </summary>
public sealed class BagEmbedding : IFeatureModule
{
    readonly Pooling pooling;

    /// <summary>A table of <paramref name="cardinality"/> × <paramref name="dimension"/>, pooled by <paramref name="pooling"/>.</summary>
    public BagEmbedding(FeatureSpec spec, int cardinality, int dimension, Pooling pooling, Random rng, bool sparse = true, float std = 0.1f)
    {
        Spec = spec;
        this.pooling = pooling;
        Table = Init.Table(spec.Name + ".embedding", cardinality, dimension, std, rng, sparse);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <summary>The table.</summary>
    public Parameter Table { get; }
    /// <inheritdoc/>
    public int Width => Table.Cols;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [Table];
    internal Pooling Pooling => pooling;

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var f = input[Spec.Name];
        var offsets = f.Offsets.AsSpan(0, input.Count + 1);
        return tape.EmbeddingBag(Table, f.Ids.AsSpan(0, offsets[^1]), offsets, mean: pooling != Pooling.Sum);
    }
}

/// <summary>A numeric or vector feature projected to <see cref="Width"/> columns by a linear layer.</summary>
public sealed class NumericProjection : IFeatureModule
{
    readonly Dense dense;

    /// <summary>A projection of <paramref name="inputs"/> numbers to <paramref name="dimension"/>.</summary>
    public NumericProjection(FeatureSpec spec, int inputs, int dimension, Random rng)
    {
        Spec = spec;
        dense = new Dense(spec.Name + ".projection", inputs, dimension, rng);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <inheritdoc/>
    public int Width => dense.Outputs;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => dense.Parameters.ToArray();
    internal Dense Dense => dense;

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var values = input[Spec.Name].Values
            ?? throw new ModelException($"Feature '{Spec.Name}' has no numeric values in the batch; it must be a numeric or vector feature.");
        return dense.Apply(tape, tape.Constant(values.Span[..(input.Count * dense.Weight.Rows)], input.Count, dense.Weight.Rows));
    }
}
