namespace Tandem.Tensors.Optimizers;

/// <summary>Options of <see cref="AdamW"/>; the defaults are PyTorch's.</summary>
public readonly record struct AdamWOptions
{
    /// <summary>Creates options with the defaults below.</summary>
    public AdamWOptions() { }

    /// <summary>Decay β1 of the first moment. In [0, 1); default 0.9.</summary>
    public float Beta1 { get; init => field = OptimizerThrow.IfNotUnitInterval(value, nameof(Beta1)); } = 0.9f;

    /// <summary>Decay β2 of the second moment. In [0, 1); default 0.999.</summary>
    public float Beta2 { get; init => field = OptimizerThrow.IfNotUnitInterval(value, nameof(Beta2)); } = 0.999f;

    /// <summary>ε added to the bias-corrected √v in the denominator. Default 1e-8.</summary>
    public float Epsilon { get; init => field = OptimizerThrow.IfNotPositive(value, nameof(Epsilon)); } = 1e-8f;

    /// <summary>Decoupled decay λ: each step first multiplies p by <c>1 - γ·λ</c>. Default 0.01.</summary>
    public float WeightDecay { get; init => field = OptimizerThrow.IfNegative(value, nameof(WeightDecay)); } = 0.01f;
}
