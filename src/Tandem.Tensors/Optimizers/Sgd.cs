using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// as PyTorch's <c>torch.optim.SGD</c> with dampening 0. At step t with learning rate γ:
/// <code>
/// g ← g + λ·p
/// b ← μ·b + g          (b starts at 0, so b₁ = g₁ as in PyTorch)
/// d ← Nesterov ? g + μ·b : b    (d = g when μ = 0)
/// p ← p - γ·d
/// </code>
/// Sparse parameters: the velocity (<c>momentum_buffer</c>, one per table element) and the
/// weight decay apply only to touched rows; an untouched row does not move, although
/// a dense optimizer would keep moving it along its stale velocity.
/// </summary>
public sealed class Sgd : Optimizer
{
    readonly SgdOptions options;
    readonly Tensor?[] velocity;

    /// <summary>SGD with a constant learning rate.</summary>
    public Sgd(IEnumerable<Parameter> parameters, float learningRate, SgdOptions options = default)
        : this(parameters, LearningRateSchedule.Constant(learningRate), options) { }

    /// <summary>SGD with a learning-rate schedule.</summary>
    /// <exception cref="ArgumentException"><see cref="SgdOptions.Nesterov"/> without momentum, or a parameter appears twice.</exception>
    public Sgd(IEnumerable<Parameter> parameters, LearningRateSchedule schedule, SgdOptions options = default)
        : base(parameters, schedule)
    {
        if (options.Nesterov && options.Momentum == 0) OptimizerThrow.NesterovWithoutMomentum();
        this.options = options;
        velocity = Parameters.Select(p => options.Momentum == 0 ? null : AddState(p, "momentum_buffer", p.Value.Shape.ToArray())).ToArray();
    }

    SgdUpdate Op(float lr) => new(lr, options.Momentum, options.Nesterov, options.WeightDecay);

    /// <inheritdoc/>
    protected override void UpdateDense(int index, Parameter parameter, float lr) =>
        FusedUpdate.Run(Op(lr), parameter.Value, parameter.Grad, velocity[index], null);

    /// <inheritdoc/>
    protected override void UpdateRows(int index, Parameter parameter, SparseGrad grad, float lr) =>
        FusedUpdate.RunRows<SgdUpdate, SameUpdate<SgdUpdate>>(new(Op(lr)), parameter.Value, grad, velocity[index], null);
}
