namespace Tandem.Models.Towers;

/// <summary>How a tower combines its feature modules (modalities) before the MLP.</summary>
public enum FusionKind
{
    /// <summary>Concatenate the modules' outputs into the MLP's input.</summary>
    Concat,
    /// <summary>
    /// Project each module to one width and sum them under softmax weights computed per example
    /// from all modules (learned per-modality weights); absent modalities get weight 0.
    /// </summary>
    Gated,
}

/// <summary>Options of a tower's fusion. <c>new FusionOptions()</c> gives the documented defaults.</summary>
public readonly record struct FusionOptions
{
    /// <summary>Creates the defaults.</summary>
    public FusionOptions() { }
    /// <summary>Concatenation or gated fusion. Default concatenation.</summary>
    public FusionKind Kind { get; init; } = FusionKind.Concat;
    /// <summary>
    /// In training, each modality of each example is dropped (treated as missing) with this
    /// probability, so the tower learns to place items from any subset (never all are dropped). Default 0.
    /// </summary>
    public float ModalityDropout { get; init; }
    /// <summary>
    /// Zero a module's output where <see cref="IModalityMask"/> says it is missing (an empty text,
    /// no image, an out-of-vocabulary id) instead of feeding its placeholder. Gated fusion always
    /// masks. Default false.
    /// </summary>
    public bool MaskMissing { get; init; }
}
