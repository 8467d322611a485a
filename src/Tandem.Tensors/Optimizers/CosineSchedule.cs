namespace Tandem.Tensors.Optimizers;

/// <summary>
/// Cosine decay (Loshchilov and Hutter's SGDR without restarts):
/// <c>lr(t) = Floor + (Peak - Floor)·(1 + cos(π·t/DecaySteps))/2</c> for <c>t &lt; DecaySteps</c>,
/// and <c>Floor</c> from then on. Computed in double, rounded once to float.
/// Put a <see cref="WarmupSchedule"/> in front (or use <see cref="LearningRateSchedule.Cosine"/>) to warm up first.
/// </summary>
public sealed record CosineSchedule : LearningRateSchedule
{
    /// <summary>A decay from <paramref name="peak"/> to <paramref name="floor"/> over <paramref name="decaySteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is negative or not finite, or <paramref name="decaySteps"/> is not positive.</exception>
    public CosineSchedule(float peak, long decaySteps, float floor = 0)
    {
        Peak = peak;
        DecaySteps = decaySteps;
        Floor = floor;
    }

    /// <summary>The learning rate at step 0; finite and ≥ 0.</summary>
    public float Peak { get; init => field = OptimizerThrow.IfNegative(value, nameof(Peak)); }

    /// <summary>Steps from <see cref="Peak"/> to <see cref="Floor"/>; ≥ 1.</summary>
    public long DecaySteps { get; init => field = OptimizerThrow.IfNotPositive(value, nameof(DecaySteps)); }

    /// <summary>The final learning rate, held after <see cref="DecaySteps"/>; finite and ≥ 0 (0 by default).</summary>
    public float Floor { get; init => field = OptimizerThrow.IfNegative(value, nameof(Floor)); }

    /// <inheritdoc/>
    public override float At(long step) => step >= DecaySteps
        ? Floor
        : (float)(Floor + ((double)Peak - Floor) * 0.5 * (1 + Math.Cos(Math.PI * step / DecaySteps)));
}
