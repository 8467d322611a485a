namespace Tandem.Tensors.Optimizers;

/// <summary>Options of <see cref="Sgd"/>; the defaults are PyTorch's (plain SGD).</summary>
public readonly record struct SgdOptions
{
    /// <summary>Momentum factor μ; 0 (the default) keeps no velocity. In [0, 1).</summary>
    public float Momentum { get; init => field = OptimizerThrow.IfNotUnitInterval(value, nameof(Momentum)); }

    /// <summary>Nesterov momentum: step along <c>g + μ·b</c> instead of <c>b</c>. Needs <see cref="Momentum"/> &gt; 0. Default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 penalty λ added to the gradient, <c>g + λ·p</c>. Default 0.</summary>
    public float WeightDecay { get; init => field = OptimizerThrow.IfNegative(value, nameof(WeightDecay)); }
}
