using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Optimizers.Fixtures;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>
/// The first two steps of each optimizer on p = [1, -2] with g₁ = [0.5, -1], g₂ = [0.25, 2] and
/// lr = 0.1, against updates worked out by hand from the formulas in the XML docs.
/// </summary>
public class HandComputedStepTests
{
    static float[] TwoSteps(Func<Tandem.Tensors.Autograd.Parameter, Optimizer> create, out float[] afterFirst)
    {
        using var p = Dense("w", 1, -2);
        using var opt = create(p);
        SetGrad(p, 0.5f, -1);
        opt.Step();
        afterFirst = p.Value.Span.ToArray();
        SetGrad(p, 0.25f, 2);
        opt.Step();
        Assert.Equal(2, opt.StepCount);
        return p.Value.Span.ToArray();
    }

    [Fact]
    public void SgdWithMomentumAndWeightDecay()
    {
        var after2 = TwoSteps(p => new Sgd([p], 0.1f, new SgdOptions { Momentum = 0.9f, WeightDecay = 0.1f }), out var after1);
        // Step 1: g' = g + 0.1·p = [0.6, -1.2]; b = g' = [0.6, -1.2]; p = [1 - 0.06, -2 + 0.12] = [0.94, -1.88]
        AssertClose([0.94f, -1.88f], after1);
        // Step 2: g' = [0.25 + 0.094, 2 - 0.188] = [0.344, 1.812]; b = 0.9·[0.6, -1.2] + g' = [0.884, 0.732];
        // p = [0.94 - 0.0884, -1.88 - 0.0732] = [0.8516, -1.9532]
        AssertClose([0.8516f, -1.9532f], after2);
    }

    [Fact]
    public void SgdWithNesterovMomentum()
    {
        var after2 = TwoSteps(p => new Sgd([p], 0.1f, new SgdOptions { Momentum = 0.9f, Nesterov = true, WeightDecay = 0.1f }), out var after1);
        // Step 1: g' = [0.6, -1.2]; b = [0.6, -1.2]; d = g' + 0.9·b = [1.14, -2.28]; p = [0.886, -1.772]
        AssertClose([0.886f, -1.772f], after1);
        // Step 2: g' = [0.25 + 0.0886, 2 - 0.1772] = [0.3386, 1.8228]; b = [0.54 + 0.3386, -1.08 + 1.8228] = [0.8786, 0.7428];
        // d = g' + 0.9·b = [1.12934, 2.49132]; p = [0.886 - 0.112934, -1.772 - 0.249132] = [0.773066, -2.021132]
        AssertClose([0.773066f, -2.021132f], after2);
    }

    [Fact]
    public void PlainSgd()
    {
        var after2 = TwoSteps(p => new Sgd([p], 0.1f), out var after1);
        // p = [1 - 0.05, -2 + 0.1] = [0.95, -1.9], then [0.95 - 0.025, -1.9 - 0.2] = [0.925, -2.1]
        AssertClose([0.95f, -1.9f], after1);
        AssertClose([0.925f, -2.1f], after2);
    }

    [Fact]
    public void Adagrad()
    {
        var after2 = TwoSteps(p => new Adagrad([p], 0.1f), out var after1);
        // Step 1: sum = g² = [0.25, 1]; p -= 0.1·g/(√sum + 1e-10) = 0.1·[1, -1] → [0.9, -1.9]
        AssertClose([0.9f, -1.9f], after1);
        // Step 2: sum = [0.25 + 0.0625, 1 + 4] = [0.3125, 5]; √sum = [0.5590170, 2.2360680];
        // Δ = 0.1·[0.25/0.5590170, 2/2.2360680] = [0.0447214, 0.0894427] → [0.8552786, -1.9894427]
        AssertClose([0.8552786f, -1.9894427f], after2);
    }

    [Fact]
    public void Adam()
    {
        var after2 = TwoSteps(p => new Adam([p], 0.1f), out var after1);
        // Step 1: m = 0.1·g = [0.05, -0.1]; v = 0.001·g² = [0.00025, 0.001]; m̂ = m/0.1 = g; v̂ = v/0.001 = g²;
        // Δ = 0.1·m̂/(√v̂ + 1e-8) = 0.1·[0.5/(0.5 + 1e-8), -1/(1 + 1e-8)] ≈ [0.1, -0.1] → [0.9, -1.9]
        AssertClose([0.9f, -1.9f], after1);
        // Step 2: m = 0.9·[0.05, -0.1] + 0.1·[0.25, 2] = [0.07, 0.11];
        // v = 0.999·[0.00025, 0.001] + 0.001·[0.0625, 4] = [0.00031225, 0.004999];
        // m̂ = m/(1 - 0.81) = [0.3684211, 0.5789474]; v̂ = v/(1 - 0.998001) = [0.1562031, 2.5007504];
        // Δ = 0.1·m̂/√v̂ = 0.1·[0.3684211/0.3952254, 0.5789474/1.5813761] = [0.0932180, 0.0366104]
        // → [0.8067820, -1.9366104]
        AssertClose([0.8067820f, -1.9366104f], after2);
    }

    [Fact]
    public void AdamWithL2WeightDecayAddsItToTheGradient()
    {
        using var p = Dense("w", 1, -2);
        using var opt = new Adam([p], 0.1f, new AdamOptions { WeightDecay = 0.5f });
        SetGrad(p, 0.5f, -1);
        opt.Step();
        // g' = g + 0.5·p = [1, -2]; step 1 of Adam moves by ≈ 0.1·sign(g') → [0.9, -1.9]
        AssertClose([0.9f, -1.9f], p.Value.Span);
        SetGrad(p, -0.45f, 0.95f);
        opt.Step();
        // g' = [-0.45 + 0.45, 0.95 - 0.95] = [0, 0]; m = 0.9·[0.1, -0.2] = [0.09, -0.18]; v = 0.999·[0.001, 0.004];
        // m̂ = m/0.19 = [0.4736842, -0.9473684]; v̂ = v/0.001999 = [0.4997499, 1.9989995]; √v̂ = [0.7069299, 1.4138598];
        // Δ = 0.1·m̂/√v̂ = [0.0670058, -0.0670058] → [0.8329942, -1.8329942]
        AssertClose([0.8329942f, -1.8329942f], p.Value.Span);
    }

    [Fact]
    public void AdamW()
    {
        var after2 = TwoSteps(p => new AdamW([p], 0.1f, new AdamWOptions { WeightDecay = 0.1f }), out var after1);
        // Step 1: p·(1 - 0.1·0.1) = [0.99, -1.98]; then Adam's Δ ≈ [0.1, -0.1] → [0.89, -1.88]
        AssertClose([0.89f, -1.88f], after1);
        // Step 2: p·0.99 = [0.8811, -1.8612]; the moments ignore p, so Δ = Adam's [0.0932180, 0.0366104]
        // → [0.7878820, -1.8978104]
        AssertClose([0.7878820f, -1.8978104f], after2);
    }
}
