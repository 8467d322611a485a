using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) as PyTorch's <c>torch.optim.AdamW</c>: Adam whose weight
/// decay is decoupled from the moments. At step t (1-based) with learning rate γ:
/// <code>
/// p ← p·(1 - γ·λ)
/// m ← β1·m + (1-β1)·g
/// v ← β2·v + (1-β2)·g²
/// p ← p - γ·m̂ / (√v̂ + ε)    with m̂ = m/(1-β1^t), v̂ = v/(1-β2^t)
/// </code>
/// Sparse parameters follow <see cref="Adam"/>'s lazy rows: only touched rows decay, with
/// per-row bias correction.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW with a constant learning rate.</summary>
    public AdamW(IEnumerable<Parameter> parameters, float learningRate, AdamWOptions? options = null)
        : this(parameters, LearningRateSchedule.Constant(learningRate), options) { }

    /// <summary>AdamW with a learning-rate schedule; <paramref name="options"/> default to <c>new AdamWOptions()</c>.</summary>
    /// <exception cref="ArgumentException">A parameter appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options are <c>default</c> (ε = 0); use <c>new AdamWOptions()</c>.</exception>
    public AdamW(IEnumerable<Parameter> parameters, LearningRateSchedule schedule, AdamWOptions? options = null)
        : base(parameters, schedule, ToAdam(options ?? new AdamWOptions()), decoupled: true) { }

    static AdamOptions ToAdam(AdamWOptions o) =>
        new() { Beta1 = o.Beta1, Beta2 = o.Beta2, Epsilon = o.Epsilon, WeightDecay = o.WeightDecay };
}
