namespace Tandem.Tensors.Optimizers;

/// <summary>
/// The learning rate as a function of the step count. <see cref="Optimizer.Step"/> asks for
/// <see cref="At"/> with the number of steps already taken (0 for the first step). Schedules are
/// immutable records, so a trainer can hold, compare and print them as configuration.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate for the step taken after <paramref name="step"/> earlier steps (<paramref name="step"/> ≥ 0).</summary>
    public abstract float At(long step);

    /// <summary>The same learning rate at every step.</summary>
    public static LearningRateSchedule Constant(float learningRate) => new ConstantSchedule(learningRate);

    /// <summary>A linear warm-up over <paramref name="warmupSteps"/> steps to <paramref name="learningRate"/>, constant after.</summary>
    public static LearningRateSchedule LinearWarmup(float learningRate, long warmupSteps) =>
        new WarmupSchedule(warmupSteps, new ConstantSchedule(learningRate));

    /// <summary>
    /// Cosine decay from <paramref name="peak"/> to <paramref name="floor"/> ending at step
    /// <paramref name="totalSteps"/>, after an optional linear warm-up over the first
    /// <paramref name="warmupSteps"/> of them (the decay spans the remaining steps).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> is not below <paramref name="totalSteps"/>, or a value is out of its range.</exception>
    public static LearningRateSchedule Cosine(float peak, long totalSteps, float floor = 0, long warmupSteps = 0)
    {
        if (warmupSteps < 0 || warmupSteps >= totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"warmupSteps is {warmupSteps}; use a value in [0, totalSteps = {totalSteps}).");
        var decay = new CosineSchedule(peak, totalSteps - warmupSteps, floor);
        return warmupSteps == 0 ? decay : new WarmupSchedule(warmupSteps, decay);
    }
}
