namespace Tandem.Tensors.Optimizers;

/// <summary>
/// A linear warm-up in front of another schedule:
/// <c>lr(t) = After.At(0)·(t+1)/WarmupSteps</c> for <c>t &lt; WarmupSteps</c>, then
/// <c>lr(t) = After.At(t - WarmupSteps)</c>, so <see cref="After"/> starts where the warm-up ends.
/// The ramp counts from t+1 so that the first step already learns (lr·1/W, not 0), and it reaches
/// <c>After.At(0)</c> exactly at its last step.
/// </summary>
public sealed record WarmupSchedule : LearningRateSchedule
{
    /// <summary>A warm-up over <paramref name="warmupSteps"/> steps leading into <paramref name="after"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> is not positive.</exception>
    public WarmupSchedule(long warmupSteps, LearningRateSchedule after)
    {
        WarmupSteps = warmupSteps;
        After = after;
    }

    /// <summary>Steps of the linear ramp; ≥ 1.</summary>
    public long WarmupSteps { get; init => field = OptimizerThrow.IfNotPositive(value, nameof(WarmupSteps)); }

    /// <summary>The schedule that follows, shifted to start at step <see cref="WarmupSteps"/>.</summary>
    public LearningRateSchedule After { get; init => field = value ?? throw new ArgumentNullException(nameof(After)); }

    /// <inheritdoc/>
    public override float At(long step) =>
        step < WarmupSteps ? (float)((double)After.At(0) * (step + 1) / WarmupSteps) : After.At(step - WarmupSteps);
}
