namespace Tandem.Tensors.Optimizers;

/// <summary>Options of <see cref="Adagrad"/>; the defaults are PyTorch's.</summary>
public readonly record struct AdagradOptions
{
    /// <summary>Creates options with the defaults below.</summary>
    public AdagradOptions() { }

    /// <summary>ε added to √sum in the denominator. Default 1e-10.</summary>
    public float Epsilon { get; init => field = OptimizerThrow.IfNotPositive(value, nameof(Epsilon)); } = 1e-10f;

    /// <summary>Starting value of every accumulator. Default 0.</summary>
    public float InitialAccumulator { get; init => field = OptimizerThrow.IfNegative(value, nameof(InitialAccumulator)); }

    /// <summary>L2 penalty λ added to the gradient, <c>g + λ·p</c>. Default 0.</summary>
    public float WeightDecay { get; init => field = OptimizerThrow.IfNegative(value, nameof(WeightDecay)); }
}
