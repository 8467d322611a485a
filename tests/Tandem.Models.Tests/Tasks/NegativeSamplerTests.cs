using Tandem.Models.Tasks;

namespace Tandem.Models.Tests.Tasks;

public class NegativeSamplerTests
{
    [Fact]
    public void UniformLogQIsLogOfExpectedDraws()
    {
        var items = new int[2];
        var logQ = new float[2];
        new UniformSampler([3, 5, 7, 9], seed: 1).Sample(items, logQ);
        // M = 2 draws over 4 items: log(2 · 1/4).
        Assert.All(logQ, l => Assert.Equal(MathF.Log(0.5f), l, 6));
        Assert.All(items, i => Assert.Contains(i, new[] { 3, 5, 7, 9 }));
    }

    [Fact]
    public void PopularityDrawsProportionallyWithItsOwnLogQ()
    {
        var sampler = new PopularitySampler([0, 1, 3], seed: 7);
        var items = new int[4000];
        var logQ = new float[4000];
        sampler.Sample(items, logQ);
        Assert.DoesNotContain(0, items); // zero weight is never drawn
        double share2 = items.Count(i => i == 2) / 4000.0;
        Assert.InRange(share2, 0.72, 0.78); // p(2) = 3/4
        int at = Array.IndexOf(items, 2);
        // log(M · 3/4) with M = 4000.
        Assert.Equal(MathF.Log(4000 * 0.75f), logQ[at], 4);
    }
}
