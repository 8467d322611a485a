namespace Tandem.Models.Towers;

/// <summary>The activation between a tower's hidden layers.</summary>
public enum Activation
{
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>GELU (tanh approximation).</summary>
    Gelu,
    /// <summary>tanh (Mult-DAE's hidden activation).</summary>
    Tanh,
}

/// <summary>Normalisation after each hidden layer's linear map, before the activation.</summary>
public enum Normalization
{
    /// <summary>None.</summary>
    None,
    /// <summary>Batch norm (batch statistics in training, running ones in evaluation).</summary>
    Batch,
    /// <summary>Layer norm.</summary>
    Layer,
}

/// <summary>How a tower is built. <c>new TowerOptions()</c> gives the documented defaults.</summary>
public readonly record struct TowerOptions
{
    /// <summary>Creates the defaults.</summary>
    public TowerOptions() { }
    /// <summary>The features read, by name; null: every supported feature of the tower's side. Default null.</summary>
    public IReadOnlyList<string>? Features { get; init; }
    /// <summary>Embedding width of id, categorical and sequence features. Default 64.</summary>
    public int EmbeddingDimension { get; init; } = 64;
    /// <summary>Per-feature widths overriding <see cref="EmbeddingDimension"/> (e.g. genres 16). Default none.</summary>
    public IReadOnlyDictionary<string, int>? Dimensions { get; init; }
    /// <summary>Hidden layer widths of the MLP over the concatenated features; empty: no hidden layer. Default [128].</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128];
    /// <summary>Activation of the hidden layers. Default ReLU.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>Dropout probability after each hidden activation, in training only. Default 0.</summary>
    public float Dropout { get; init; }
    /// <summary>Normalisation of the hidden layers. Default none.</summary>
    public Normalization Normalization { get; init; } = Normalization.None;
    /// <summary>Width of the output embedding (the final projection). Default 64.</summary>
    public int OutputDimension { get; init; } = 64;
    /// <summary>Scale each output to unit L2 norm. Default true.</summary>
    public bool L2Normalize { get; init; } = true;
    /// <summary>How the features' vectors are fused before the MLP (gated fusion projects each to <see cref="EmbeddingDimension"/>). Default concatenation.</summary>
    public FusionOptions Fusion { get; init; } = new();
    /// <summary>
    /// Text and image features read through a frozen pretrained encoder instead of a trained one,
    /// by feature name: a factory string, <c>resnet18</c>, <c>minilm</c>, <c>arctic-xs</c> or an ONNX
    /// file with its input spec (docs/text.md), e.g. <c>{ "title": "minilm", "poster": "resnet18" }</c>.
    /// Each value's vector is computed once (and cached beside the data), then a trainable linear
    /// head projects it to the feature's width. Default none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Encoders { get; init; }
    /// <summary>How text features are encoded. Default a bag of tokens.</summary>
    public TextOptions Text { get; init; } = new();
    /// <summary>How image features are encoded: the CNN's blocks, kernel and output width. Default 16, 32, 64 channels, 3×3, 64-d.</summary>
    public ImageCnnOptions Image { get; init; } = new();
    /// <summary>Side, in pixels, image features are resized to before the CNN. Default 32.</summary>
    public int ImageSize { get; init; } = 32;
    /// <summary>How sequence features (histories) are encoded. Default mean pooling.</summary>
    public SequenceOptions Sequence { get; init; } = new();
    /// <summary>
    /// Hierarchical ids: an id feature's name mapped to its ancestors' feature names (e.g.
    /// <c>item → [subcategory, category]</c>); its vector becomes the sum of all their embeddings. Default none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Hierarchies { get; init; }
    /// <summary>Embedding tables get sparse (row) gradients, so optimizers update only touched rows. Default true.</summary>
    public bool SparseEmbeddings { get; init; } = true;
    /// <summary>Standard deviation of the N(0, std²) embedding initialisation. Default 0.1.</summary>
    public float EmbeddingStd { get; init; } = 0.1f;
}
