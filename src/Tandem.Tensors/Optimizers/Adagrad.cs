using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// Adagrad (Duchi et al., 2011) as PyTorch's <c>torch.optim.Adagrad</c> without its
/// <c>lr_decay</c> (use a <see cref="LearningRateSchedule"/>). At step t with learning rate γ:
/// <code>
/// g   ← g + λ·p
/// sum ← sum + g²       (sum starts at InitialAccumulator)
/// p   ← p - γ·g / (√sum + ε)
/// </code>
/// Sparse parameters: the per-element accumulators (<c>sum</c>) of a row change only when the
/// row is touched, which is exactly dense Adagrad's behaviour for a zero gradient apart from
/// weight decay, which untouched rows do not get.
/// </summary>
public sealed class Adagrad : Optimizer
{
    readonly AdagradOptions options;
    readonly Tensor[] sums;

    /// <summary>Adagrad with a constant learning rate.</summary>
    public Adagrad(IEnumerable<Parameter> parameters, float learningRate, AdagradOptions? options = null)
        : this(parameters, LearningRateSchedule.Constant(learningRate), options) { }

    /// <summary>Adagrad with a learning-rate schedule; <paramref name="options"/> default to <c>new AdagradOptions()</c>.</summary>
    /// <exception cref="ArgumentException">A parameter appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options are <c>default</c> (ε = 0); use <c>new AdagradOptions()</c>.</exception>
    public Adagrad(IEnumerable<Parameter> parameters, LearningRateSchedule schedule, AdagradOptions? options = null)
        : base(parameters, schedule)
    {
        this.options = options ?? new AdagradOptions();
        OptimizerThrow.IfNotPositive(this.options.Epsilon, "Epsilon");
        sums = Parameters.Select(p => AddState(p, "sum", p.Value.Shape.ToArray(), this.options.InitialAccumulator)).ToArray();
    }

    AdagradUpdate Op(float lr) => new(lr, options.Epsilon, options.WeightDecay);

    /// <inheritdoc/>
    protected override void UpdateDense(int index, Parameter parameter, float lr) =>
        FusedUpdate.Run(Op(lr), parameter.Value, parameter.Grad, sums[index], null);

    /// <inheritdoc/>
    protected override void UpdateRows(int index, Parameter parameter, SparseGrad grad, float lr) =>
        FusedUpdate.RunRows<AdagradUpdate, SameUpdate<AdagradUpdate>>(new(Op(lr)), parameter.Value, grad, sums[index], null);
}
