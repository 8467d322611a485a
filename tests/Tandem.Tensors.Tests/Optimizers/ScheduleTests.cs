using Tandem.Tensors.Optimizers;

namespace Tandem.Tensors.Tests.Optimizers;

public class ScheduleTests
{
    [Fact]
    public void ConstantIsTheSameAtEveryStep()
    {
        var s = LearningRateSchedule.Constant(0.3f);
        Assert.Equal(0.3f, s.At(0));
        Assert.Equal(0.3f, s.At(1_000_000));
    }

    [Fact]
    public void LinearWarmupRampsFromOneStepThenHolds()
    {
        var s = LearningRateSchedule.LinearWarmup(0.4f, warmupSteps: 4);
        // lr(t) = 0.4·(t+1)/4 for t < 4: 0.1, 0.2, 0.3, 0.4; then 0.4
        Assert.Equal(0.1f, s.At(0), 1e-7f);
        Assert.Equal(0.2f, s.At(1), 1e-7f);
        Assert.Equal(0.3f, s.At(2), 1e-7f);
        Assert.Equal(0.4f, s.At(3), 1e-7f);
        Assert.Equal(0.4f, s.At(50));
    }

    [Fact]
    public void CosineDecaysToTheFloor()
    {
        var s = new CosineSchedule(peak: 1f, decaySteps: 10, floor: 0.1f);
        // lr(t) = 0.1 + 0.9·(1 + cos(π·t/10))/2
        Assert.Equal(1f, s.At(0));
        Assert.Equal(0.55f, s.At(5), 1e-6f);                // cos(π/2) = 0 → 0.1 + 0.45
        Assert.Equal(0.1f + 0.45f * (1 + 0.809017f), s.At(2), 1e-6f); // cos(π/5) = 0.809017 → 0.914058
        Assert.Equal(0.1f, s.At(10));
        Assert.Equal(0.1f, s.At(1000));
    }

    [Fact]
    public void CosineWithWarmupDecaysOverTheRemainingSteps()
    {
        var s = LearningRateSchedule.Cosine(peak: 2f, totalSteps: 12, floor: 0, warmupSteps: 2);
        // Warm-up: 2·1/2 = 1, 2·2/2 = 2; then cosine over 10 steps: t = 2 → 2, t = 7 → 2·(1 + cos(π/2))/2 = 1, t = 12 → 0
        Assert.Equal(1f, s.At(0));
        Assert.Equal(2f, s.At(1));
        Assert.Equal(2f, s.At(2));
        Assert.Equal(1f, s.At(7), 1e-6f);
        Assert.Equal(0f, s.At(12));
        Assert.Equal(new WarmupSchedule(2, new CosineSchedule(2f, 10)), s); // records: a trainer can compare configurations
    }

    [Fact]
    public void OptimizerUsesTheScheduleAtItsStepCount()
    {
        using var p = Fixtures.Dense("w", 0);
        using var opt = new Sgd([p], LearningRateSchedule.LinearWarmup(0.4f, 4));
        Fixtures.SetGrad(p, 1);
        Assert.Equal(0.1f, opt.LearningRate, 1e-7f);
        opt.Step(); // p = 0 - 0.1·1
        opt.Step(); // p = -0.1 - 0.2·1
        Assert.Equal(-0.3f, p.Value[0], 1e-6f);
        Assert.Equal(0.3f, opt.LearningRate, 1e-7f);
    }

    [Fact]
    public void BadValuesAreRejectedWithTheirName()
    {
        Assert.Contains("LearningRate is -1", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(-1)).Message);
        Assert.Contains("WarmupSteps is 0", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.LinearWarmup(1, 0)).Message);
        Assert.Contains("warmupSteps is 5", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(1, 5, warmupSteps: 5)).Message);
        Assert.Contains("Floor is NaN", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1, 5, float.NaN)).Message);
    }
}
