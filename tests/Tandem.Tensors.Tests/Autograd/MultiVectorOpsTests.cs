using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

using Kernels = Tandem.Tensors.Kernels.Kernels;

public class MultiVectorOpsTests
{
    // MaxSim is piecewise linear: away from ties the finite difference is exact up to rounding,
    // so a small step (no maximum changes hands) and tight tolerances.
    [Fact]
    public void MaxSimGradientsMatchFiniteDifferencesWithPadding()
    {
        using var q = Leaf(1, [3, 4, 5]);
        using var c = Leaf(2, [4, 3, 5]);
        int[] queryCounts = [4, 2, 0], candidateCounts = [3, 1, 2, 3];
        Check(t => t.MaxSim(q, queryCounts, c, candidateCounts), [q, c], rtol: 1e-3, atol: 1e-3, h: 1e-3f);
    }

    [Fact]
    public void MaxSimGradientsMatchFiniteDifferencesWithoutCounts()
    {
        using var q = Leaf(3, [2, 3, 17]);
        using var c = Leaf(4, [5, 2, 17]);
        Check(t => t.MaxSim(q, default, c, default), [q, c], rtol: 1e-3, atol: 1e-3, h: 1e-3f);
    }

    [Fact]
    public void MaxSimPairsAgreeWithTheBatchedKernelAndIgnorePadding()
    {
        const int bq = 3, lq = 5, bc = 4, lc = 6, d = 33;
        var queries = Random(bq * lq * d, 5);
        var candidates = Random(bc * lc * d, 6);
        int[] queryCounts = [5, 1, 3], candidateCounts = [6, 2, 0, 4];
        // NaN in every padding row: reading one would poison a score.
        for (int b = 0; b < bq; b++) queries.AsSpan((b * lq + queryCounts[b]) * d, (lq - queryCounts[b]) * d).Fill(float.NaN);
        for (int k = 0; k < bc; k++) candidates.AsSpan((k * lc + candidateCounts[k]) * d, (lc - candidateCounts[k]) * d).Fill(float.NaN);
        using var tape = new Tape();
        var y = tape.MaxSim(tape.Constant(queries, bq, lq, d), queryCounts, tape.Constant(candidates, bc, lc, d), candidateCounts);
        Assert.Equal([bq, bc], y.Value.Shape.ToArray());
        for (int b = 0; b < bq; b++)
            for (int k = 0; k < bc; k++)
            {
                float expected = Kernels.MaxSim(queries.AsSpan(b * lq * d, lq * d), queryCounts[b], candidates.AsSpan(k * lc * d, lc * d), candidateCounts[k], d);
                Assert.Equal(expected, y.Value[b, k], 4);
            }
        Assert.Equal(float.NegativeInfinity, y.Value[0, 2]);
    }

    [Fact]
    public void MaxSimRejectsBadShapesAndCounts()
    {
        using var tape = new Tape();
        var q = tape.Constant(new float[12], 2, 3, 2);
        var c = tape.Constant(new float[12], 3, 2, 2);
        Assert.Contains("one width", Assert.Throws<ArgumentException>(() => tape.MaxSim(q, default, tape.Constant(new float[12], 2, 2, 3), default)).Message);
        Assert.Contains("holds 1 counts for 2 items", Assert.Throws<ArgumentException>(() => tape.MaxSim(q, [1], c, default)).Message);
        Assert.Contains("candidateCounts[1] = 3", Assert.Throws<ArgumentOutOfRangeException>(() => tape.MaxSim(q, default, c, [2, 3, 0])).Message);
    }

    [Fact]
    public void SoftmaxPoolGradientsMatchFiniteDifferences()
    {
        const int batch = 3, steps = 4, heads = 2, d = 3;
        using var scores = Leaf(7, [batch * steps, heads]);
        using var values = Leaf(8, [batch * steps, d]);
        int[] lengths = [4, 1, 0];
        Check(t => t.SoftmaxPool(scores, values, lengths), [scores, values], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void SoftmaxPoolMatchesADoubleReference()
    {
        const int batch = 2, steps = 5, heads = 3, d = 4;
        var s = Random(batch * steps * heads, 9, -3, 3);
        var v = Random(batch * steps * d, 10);
        int[] lengths = [5, 2];
        using var tape = new Tape();
        var y = tape.SoftmaxPool(tape.Constant(s, batch * steps, heads), tape.Constant(v, batch * steps, d), lengths);
        for (int b = 0; b < batch; b++)
            for (int k = 0; k < heads; k++)
            {
                var e = Enumerable.Range(0, lengths[b]).Select(t => Math.Exp(s[(b * steps + t) * heads + k])).ToArray();
                for (int c = 0; c < d; c++)
                {
                    double expected = Enumerable.Range(0, lengths[b]).Sum(t => e[t] / e.Sum() * v[(b * steps + t) * d + c]);
                    Assert.Equal(expected, y.Value[b * heads + k, c], 5);
                }
            }
    }
}
