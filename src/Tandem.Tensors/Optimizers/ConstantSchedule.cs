namespace Tandem.Tensors.Optimizers;

/// <summary><c>lr(t) = LearningRate</c> for every step t.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    /// <summary>A schedule that always gives <paramref name="learningRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    public ConstantSchedule(float learningRate) => LearningRate = learningRate;

    /// <summary>The learning rate; finite and ≥ 0.</summary>
    public float LearningRate { get; init => field = OptimizerThrow.IfNegative(value, nameof(LearningRate)); }

    /// <inheritdoc/>
    public override float At(long step) => LearningRate;
}
