using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Optimizers.Fixtures;

namespace Tandem.Tensors.Tests.Optimizers;

public class GradientClippingTests
{
    [Fact]
    public void GlobalNormCoversDenseAndTouchedRowsAndScalesAboveTheLimit()
    {
        using var w = Dense("w", 0, 0);
        SetGrad(w, 3, 4);
        using var table = new Parameter("table", Tensor.Zeros(5, 2), sparse: true);
        table.SparseGrad!.Accumulate(3, [0, 12]);
        // N = √(3² + 4² + 0² + 12²) = √169 = 13; scale = 6.5/(13 + 1e-6) ≈ 0.5
        float norm = GradientClipping.ClipByGlobalNorm([w, table], 6.5f);
        Assert.Equal(13f, norm);
        AssertClose([1.5f, 2], w.Grad.Span);
        AssertClose([0f, 6], table.SparseGrad.Values(0));
    }

    [Fact]
    public void NormBelowTheLimitLeavesGradientsUnchanged()
    {
        using var w = Dense("w", 0, 0);
        SetGrad(w, 3, 4);
        using var opt = new Sgd([w], 0.1f);
        Assert.Equal(5f, opt.ClipGradNorm(5.5f)); // √(9 + 16) = 5 ≤ 5.5
        Assert.Equal([3f, 4], w.Grad.Span.ToArray());
    }

    [Fact]
    public void NonFiniteNormIsReturnedAndGradientsAreLeftAlone()
    {
        using var w = Dense("w", 0, 0);
        SetGrad(w, float.NaN, 4);
        Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm([w], 1)));
        Assert.Equal(4f, w.Grad[1]);
    }

    [Fact]
    public void MaxNormMustBePositive()
    {
        using var w = Dense("w", 0, 0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm([w], 0));
        Assert.Contains("maxNorm is 0", e.Message);
    }
}
