using Tandem.Data.Encoders;
using Tandem.Data.Schema;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;
using Side = Tandem.Data.Schema.Tower;

namespace Tandem.Models.Towers;

/// <summary>
/// Turns a batch of encoded features into embeddings: one module per feature, fused
/// (concatenated, or gated with missing-modality masks: <see cref="FusionOptions"/>), an MLP (hidden layers with normalisation, activation and dropout), a final projection to
/// the output width and optional L2 normalisation. A tower only encodes; the task owns the loss.
/// A user tower reads only user and context features, an item tower only item features.
/// Not thread-safe: one training thread; evaluation under the caller's tape.
/// </summary>
public sealed class EncoderTower
{
    readonly IFeatureModule[] modules;
    readonly Fusion fusion;
    readonly Dense[] hidden;
    readonly (Parameter Gamma, Parameter Beta, StateBuffer? Mean, StateBuffer? Var)[] norms;
    readonly Dense output;
    readonly TowerOptions options;
    readonly Rng dropoutRng;

    /// <summary>A tower for <paramref name="side"/> over <paramref name="modules"/>.</summary>
    /// <exception cref="ModelException">A module reads a feature of the other side, or there are no modules.</exception>
    public EncoderTower(Side side, IReadOnlyList<IFeatureModule> modules, TowerOptions options, Random rng)
    {
        if (side == Side.Context) ModelThrow.Config("A tower is either the user or the item tower; context features feed the user tower.");
        if (modules.Count == 0) ModelThrow.Config($"The {Name(side)} tower has no features; declare at least one {Name(side)} feature.");
        foreach (var m in modules)
            foreach (var spec in m is HierarchicalIdEmbedding h ? h.Specs : [m.Spec])
                CheckSide(side, spec);
        var multi = modules.Where(m => m.Vectors > 1).ToArray();
        if (multi.Length > 1)
            ModelThrow.Config($"The {Name(side)} tower has {multi.Length} features giving several vectors ({string.Join(", ", multi.Select(m => m.Spec.Name))}); at most one may (e.g. one history pooled into interests).");
        Vectors = multi.Length == 0 ? 1 : multi[0].Vectors;
        if (Vectors > 1 && (options.Fusion.Kind == FusionKind.Gated || options.Fusion.MaskMissing || options.Fusion.ModalityDropout > 0))
            ModelThrow.Config($"The {Name(side)} tower gives {Vectors} interest vectors per example, which needs concatenation fusion without masks; set {Name(side)}.fusion back to its defaults.");
        Side = side;
        this.modules = modules.ToArray();
        this.options = options;
        dropoutRng = new Rng(rng.Next());
        string prefix = Name(side);
        fusion = new Fusion(prefix, this.modules, options.Fusion, options.EmbeddingDimension, rng);
        int width = fusion.Width;
        hidden = new Dense[options.Hidden.Count];
        norms = new (Parameter, Parameter, StateBuffer?, StateBuffer?)[options.Hidden.Count];
        for (int l = 0; l < hidden.Length; l++)
        {
            hidden[l] = new Dense($"{prefix}.hidden{l}", width, options.Hidden[l], rng);
            width = options.Hidden[l];
            if (options.Normalization != Normalization.None)
                norms[l] = (Init.Fill($"{prefix}.norm{l}.gamma", 1, width), Init.Fill($"{prefix}.norm{l}.beta", 0, width),
                    // Only batch norm keeps running statistics.
                    options.Normalization == Normalization.Batch ? StateBuffer.Filled($"{prefix}.norm{l}.mean", 0, width) : null,
                    options.Normalization == Normalization.Batch ? StateBuffer.Filled($"{prefix}.norm{l}.var", 1, width) : null);
        }
        output = new Dense($"{prefix}.output", width, options.OutputDimension, rng);
    }

    /// <summary>
    /// Vectors per example: 1, or K when a history is pooled into K interests; then <see cref="Forward"/>
    /// gives K rows per example, the other features' vectors repeated beside each interest.
    /// </summary>
    public int Vectors { get; }
    /// <summary>The side this tower encodes.</summary>
    public Side Side { get; }
    /// <summary>Width of the embeddings.</summary>
    public int OutputDimension => output.Outputs;
    /// <summary>The feature modules.</summary>
    public IReadOnlyList<IFeatureModule> Modules => modules;
    /// <summary>How the tower was built.</summary>
    internal TowerOptions Options => options;
    internal Fusion Fusion => fusion;
    internal IReadOnlyList<Dense> Hidden => hidden;
    /// <summary>Each hidden layer's normalisation parameters (null gamma without one; mean and var only for batch norm).</summary>
    internal IReadOnlyList<(Parameter Gamma, Parameter Beta, StateBuffer? Mean, StateBuffer? Var)> Norms => norms;
    internal Dense Output => output;

    /// <summary>Every trainable parameter, in a fixed order.</summary>
    public IEnumerable<Parameter> Parameters =>
        modules.SelectMany(m => m.Parameters)
            .Concat(fusion.Parameters)
            .Concat(hidden.SelectMany(h => h.Parameters))
            .Concat(norms.Where(n => n.Gamma is not null).SelectMany(n => new[] { n.Gamma, n.Beta }))
            .Concat(output.Parameters);

    /// <summary>Every buffer (saved, not trained: batch norm's running statistics), in a fixed order.</summary>
    public IEnumerable<StateBuffer> Buffers =>
        modules.SelectMany(m => m.Buffers)
            .Concat(norms.Where(n => n.Mean is not null).SelectMany(n => new[] { n.Mean!, n.Var! }));

    /// <summary>
    /// Every generator a training step draws from (dropout, modality dropout), named
    /// <c>{user|item}.dropout</c> and <c>{user|item}.fusion</c>, so a checkpoint can save and restore them.
    /// </summary>
    public IEnumerable<(string Name, Rng Rng)> Generators =>
        new[] { ($"{Name(Side)}.dropout", dropoutRng) }.Concat(fusion.Generator is { } g ? [($"{Name(Side)}.fusion", g)] : [])
            .Concat(modules.SelectMany(m => m.Generators.Select(x => ($"{Name(Side)}.{x.Name}", x.Rng))));

    /// <summary>Row b·K + k is row b: each example's single vector beside each of its K interests.</summary>
    int[] Repeated(int count)
    {
        var rows = new int[count * Vectors];
        for (int r = 0; r < rows.Length; r++) rows[r] = r / Vectors;
        return rows;
    }

    /// <summary>The [input.Count·<see cref="Vectors"/>, OutputDimension] embeddings of a batch (example b's in rows b·Vectors onwards).</summary>
    public Variable Forward(Tape tape, TowerInput input, bool training)
    {
        var parts = new Variable[modules.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = modules[i].Encode(tape, input, training);
            if (modules[i].Vectors < Vectors) parts[i] = tape.Embedding(parts[i], Repeated(input.Count));
        }
        return Head(tape, fusion.Apply(tape, input, parts, training), training);
    }

    /// <summary>
    /// The layers after fusion, row by row: hidden layers, the output projection and the L2
    /// normalisation. Late interaction runs them on each token or region vector of a one-feature tower.
    /// </summary>
    public Variable Head(Tape tape, Variable x, bool training)
    {
        for (int l = 0; l < hidden.Length; l++)
        {
            x = hidden[l].Apply(tape, x);
            var n = norms[l];
            if (options.Normalization == Normalization.Batch) x = tape.BatchNorm(x, n.Gamma, n.Beta, n.Mean!.Value, n.Var!.Value, training);
            else if (options.Normalization == Normalization.Layer) x = tape.LayerNorm(x, n.Gamma, n.Beta);
            x = options.Activation switch { Activation.Gelu => tape.Gelu(x), Activation.Tanh => tape.Tanh(x), _ => tape.Relu(x) };
            x = tape.Dropout(x, options.Dropout, dropoutRng, training);
        }
        x = output.Apply(tape, x);
        return options.L2Normalize ? tape.L2Normalize(x) : x;
    }

    /// <summary>
    /// Builds the tower of <paramref name="side"/> from fitted features: an embedding table per
    /// id/categorical feature, a pooled bag per multi-categorical, a projection per numeric or
    /// vector feature, a <see cref="SequenceEncoder"/> per history, a <see cref="TextBag"/> or
    /// <see cref="TextTransformer"/> per text feature and a <see cref="TimestampEmbedding"/> per timestamp.
    /// </summary>
    /// <remarks>
    /// Image features need <paramref name="images"/>, which builds their module (e.g. an <see cref="ImageFeature"/>) from the spec and the tower's generator;
    /// features in <see cref="TowerOptions.Encoders"/> need <paramref name="pretrained"/> (a <see cref="PretrainedFeature"/>).
    /// With <see cref="SequenceOptions.ShareItemEmbeddings"/>, histories read <paramref name="items"/>' table (the item tower's id embedding).
    /// </remarks>
    /// <exception cref="ModelException">A named feature is unknown, of the other side, or of a kind towers cannot read yet; or histories share item embeddings without <paramref name="items"/>.</exception>
    public static EncoderTower Create(FittedFeatures fitted, Side side, TowerOptions options, Random rng, Func<FeatureSpec, Random, IFeatureModule>? images = null,
        Func<FeatureSpec, Random, IFeatureModule>? pretrained = null, IdEmbedding? items = null)
    {
        var schema = fitted.Schema;
        var names = options.Features ?? schema.Features.Where(f => OnSide(f, side) && (Supported(f.Kind) || f.Kind == FeatureKind.Image && images is not null)).Select(f => f.Name).ToArray();
        foreach (var (name, encoder) in options.Encoders ?? new Dictionary<string, string>())
        {
            var spec = schema.Features.FirstOrDefault(f => f.Name == name);
            if (spec is not { Kind: FeatureKind.Text or FeatureKind.Image } || !names.Contains(name))
                ModelThrow.Config($"{Name(side)}.encoders names '{name}' (\"{encoder}\"), which is not a text or image feature the {Name(side)} tower reads; it reads: {string.Join(", ", names)}.");
        }
        var ancestors = new HashSet<string>(options.Hierarchies?.Values.SelectMany(v => v) ?? []);
        var modules = new List<IFeatureModule>();
        foreach (var name in names)
        {
            var spec = schema.Features.FirstOrDefault(f => f.Name == name);
            if (spec is null) ModelThrow.Config($"The {Name(side)} tower names feature '{name}', which the schema does not declare; declared: {string.Join(", ", schema.Features.Select(f => f.Name))}.");
            CheckSide(side, spec);
            if (ancestors.Contains(name)) continue;
            var module = options.Encoders?.ContainsKey(name) == true
                ? (pretrained ?? throw new ModelException($"Feature '{name}' is read through the pretrained encoder \"{options.Encoders[name]}\", whose vectors were not given; load the model with its data.")) (spec, rng)
                : spec.Kind == FeatureKind.Image && images is not null ? images(spec, rng)
                : spec.Kind == FeatureKind.Sequence && options.Sequence.ShareItemEmbeddings ? SharedHistory(fitted, spec, options, rng, items)
                : Module(fitted, spec, options, rng);
            if (options.Hierarchies is { } h && h.TryGetValue(name, out var up))
                module = new HierarchicalIdEmbedding([module, .. up.Select(a => Module(fitted, Spec(schema, a, side), options with { Dimensions = null, EmbeddingDimension = module.Width }, rng))]);
            modules.Add(module);
        }
        return new EncoderTower(side, modules, options, rng);
    }

    /// <summary>A history reading the item tower's id table: each history id mapped to the item id of the same key.</summary>
    static SequenceEncoder SharedHistory(FittedFeatures fitted, FeatureSpec spec, TowerOptions options, Random rng, IdEmbedding? items)
    {
        if (items is null) ModelThrow.Config($"History '{spec.Name}' shares item embeddings, but the item tower has no id embedding to share; add the item id to item.features or set sequence.shareItemEmbeddings to false.");
        var history = ((CategoricalEncoder)fitted[spec.Name]).Vocabulary;
        var ids = ((CategoricalEncoder)fitted[items.Spec.Name]).Vocabulary;
        if (history is null || ids is null) ModelThrow.Config($"History '{spec.Name}' shares item embeddings, but '{spec.Name}' or '{items.Spec.Name}' is hashed; shared tables need vocabularies.");
        var rowOfId = new int[history.Size];
        for (int h = 1; h < rowOfId.Length; h++) rowOfId[h] = ids[history.Token(h)];
        return new SequenceEncoder(spec, history.Size, items.Width, options.Sequence, rng, options.SparseEmbeddings, options.EmbeddingStd, items.Table, rowOfId);
    }

    static FeatureSpec Spec(FeatureSchema schema, string name, Side side)
    {
        var spec = schema.Features.FirstOrDefault(f => f.Name == name);
        if (spec is null) ModelThrow.Config($"Hierarchy names feature '{name}', which the schema does not declare.");
        CheckSide(side, spec);
        return spec;
    }

    static IFeatureModule Module(FittedFeatures fitted, FeatureSpec spec, TowerOptions options, Random rng)
    {
        int dim = options.Dimensions is { } d && d.TryGetValue(spec.Name, out int w) ? w : options.EmbeddingDimension;
        int Cardinality() => ((CategoricalEncoder)fitted[spec.Name]).Cardinality;
        int TextCardinality() => ((TextEncoder)fitted[spec.Name]).Tokenizer.Cardinality;
        bool sparse = options.SparseEmbeddings;
        float std = options.EmbeddingStd;
        return spec.Kind switch
        {
            FeatureKind.Id or FeatureKind.Categorical => new IdEmbedding(spec, Cardinality(), dim, rng, sparse, std),
            FeatureKind.MultiCategorical => new BagEmbedding(spec, Cardinality(), dim, spec.Pooling, rng, sparse, std),
            FeatureKind.Sequence => new SequenceEncoder(spec, Cardinality(), dim, options.Sequence, rng, sparse, std),
            FeatureKind.Numeric when spec.Transform == NumericTransform.Quantile => new IdEmbedding(spec, spec.Bins + 1, dim, rng, sparse, std),
            FeatureKind.Numeric when spec.Transform == NumericTransform.LogSquared => new IdEmbedding(spec, ((NumericEncoder)fitted[spec.Name]).Cardinality, dim, rng, sparse, std),
            FeatureKind.Numeric => new NumericProjection(spec, 1, dim, rng),
            FeatureKind.Vector => new NumericProjection(spec, spec.Dimension, dim, rng),
            FeatureKind.Text when options.Text.Encoding == TextEncoding.Transformer => new TextTransformer(spec, TextCardinality(), dim, options.Text, rng, sparse, std),
            FeatureKind.Text => new TextBag(spec, TextCardinality(), dim, rng, sparse, std),
            FeatureKind.Timestamp => new TimestampEmbedding(spec, dim, rng, sparse, std),
            _ => throw new ModelException($"Feature '{spec.Name}' is {spec.Kind}; towers do not encode {spec.Kind} features yet. Leave it out of the tower's features."),
        };
    }

    static bool Supported(FeatureKind kind) => kind is FeatureKind.Id or FeatureKind.Categorical or FeatureKind.MultiCategorical
        or FeatureKind.Sequence or FeatureKind.Numeric or FeatureKind.Vector or FeatureKind.Text or FeatureKind.Timestamp;

    static bool OnSide(FeatureSpec spec, Side side) => side == Side.Item ? spec.Tower == Side.Item : spec.Tower != Side.Item;

    static void CheckSide(Side side, FeatureSpec spec)
    {
        if (!OnSide(spec, side))
            ModelThrow.Config($"Feature '{spec.Name}' is a{(spec.Tower == Side.Item ? "n item" : spec.Tower == Side.User ? " user" : " context")} feature; the {Name(side)} tower cannot read it. "
                + "Item towers read only item features and user towers only user and context features, so items can be embedded without a user.");
    }

    static string Name(Side side) => side == Side.Item ? "item" : "user";
}
