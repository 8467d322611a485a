using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Odd sizes, strides and padding so every border case of the window walk is hit.
public class ConvolutionOpsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void Conv2dGradientsMatchFiniteDifferences(int stride, int padding)
    {
        using var x = Leaf(1, [2, 3, 7, 6]);
        using var w = Leaf(2, [4, 3, 3, 2]);
        using var b = Leaf(3, [4]);
        Check(t => t.Conv2d(x, w, b, stride, padding), [x, w, b], rtol: 2e-2, atol: 2e-3);
    }

    [Fact]
    public void Conv2dMatchesADirectConvolutionInDouble()
    {
        const int n = 2, c = 3, h = 9, wd = 8, o = 5, k = 3, stride = 2, padding = 1;
        using var x = Leaf(4, [n, c, h, wd]);
        using var w = Leaf(5, [o, c, k, k]);
        using var b = Leaf(6, [o]);
        using var tape = new Tape();
        var y = tape.Conv2d(x, w, b, stride, padding);
        int ho = (h + 2 * padding - k) / stride + 1, wo = (wd + 2 * padding - k) / stride + 1; // 5 and 4
        Assert.Equal([n, o, ho, wo], y.Value.Shape.ToArray());
        var expected = new double[n * o * ho * wo];
        for (int i = 0, bn = 0; bn < n; bn++)
            for (int oc = 0; oc < o; oc++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++, i++)
                    {
                        double sum = b.Value[oc];
                        for (int ic = 0; ic < c; ic++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    sum += (double)w.Value[((oc * c + ic) * k + ky) * k + kx] * x.Value[((bn * c + ic) * h + iy) * wd + ix];
                                }
                        expected[i] = sum;
                    }
        TestData.AssertClose(expected, y.Value.Span, rtol: 1e-5, atol: 1e-5, "conv2d");
    }

    [Fact]
    public void Conv2dWithoutBiasOrInputGradientStillTrainsTheWeights()
    {
        using var x = new Variable(Tensor.From(Random(1 * 2 * 5 * 5, 7), 1, 2, 5, 5));
        using var w = Leaf(8, [3, 2, 3, 3]);
        Check(t => t.Conv2d(x, w, padding: 1), [w], rtol: 2e-2, atol: 2e-3);
        Assert.False(x.HasGrad);
    }

    [Fact]
    public void MaxPool2dGradientMatchesFiniteDifferencesAndPicksTheMaximum()
    {
        // Distinct values 0.1 apart, shuffled, so a ±h step never changes which element wins.
        var values = Enumerable.Range(0, 2 * 3 * 7 * 5).Select(i => i * 0.1f - 5).ToArray();
        var rng = new Random(9);
        rng.Shuffle(values);
        using var x = new Variable(Tensor.From(values, 2, 3, 7, 5), requiresGrad: true);
        Check(t => t.MaxPool2d(x, 2), [x], rtol: 1e-2, atol: 1e-3);
        Check(t => t.MaxPool2d(x, 3, stride: 2), [x], rtol: 1e-2, atol: 1e-3);
        using var tape = new Tape();
        var y = tape.MaxPool2d(x, 2);
        Assert.Equal([2, 3, 3, 2], y.Value.Shape.ToArray()); // 7/2 = 3 rows, 5/2 = 2 columns
        // first window of plane 0: rows 0-1, columns 0-1 of a 7x5 plane
        Assert.Equal(new[] { values[0], values[1], values[5], values[6] }.Max(), y.Value[0]);
    }

    [Fact]
    public void AvgPool2dAndGlobalAvgPoolGradientsMatchFiniteDifferences()
    {
        using var x = Leaf(10, [2, 3, 6, 5]);
        Check(t => t.AvgPool2d(x, 2), [x], rtol: 1e-2, atol: 1e-3);
        Check(t => t.AvgPool2d(x, 3, stride: 1), [x], rtol: 1e-2, atol: 1e-3);
        Check(t => t.GlobalAvgPool(x), [x], rtol: 1e-2, atol: 1e-3);
    }

    [Fact]
    public void GlobalAvgPoolIsEachChannelsMean()
    {
        using var tape = new Tape();
        // one image, two channels of 2x2: [1, 2, 3, 4] and [10, 20, 30, 40]
        var x = tape.Constant([1, 2, 3, 4, 10, 20, 30, 40], 1, 2, 2, 2);
        var y = tape.GlobalAvgPool(x);
        Assert.Equal([1, 2], y.Value.Shape.ToArray());
        Assert.Equal([2.5f, 25f], y.Value.Span.ToArray()); // (1+2+3+4)/4, (10+20+30+40)/4
    }

    [Fact]
    public void BatchNorm2dGradientsMatchFiniteDifferencesAndStandardiseEachChannel()
    {
        using var x = Leaf(11, [3, 2, 3, 4], lo: -2, hi: 3);
        using var gamma = Leaf(12, [2], lo: 0.5f, hi: 1.5f);
        using var beta = Leaf(13, [2]);
        using var mean = Tensor.Zeros(2);
        using var variance = Tensor.Zeros(2);
        Check(t => t.BatchNorm2d(x, gamma, beta, mean, variance, training: true), [x, gamma, beta], rtol: 2e-2, atol: 5e-4);

        using var tape = new Tape();
        using var one = new Variable(Tensor.From([1f, 1], 2));
        using var zero = new Variable(Tensor.Zeros(2));
        var y = tape.BatchNorm2d(x, one, zero, mean, variance, training: true, eps: 1e-6f);
        for (int c = 0; c < 2; c++)
        {
            // channel c: the 3 images' 3x4 planes, 36 values
            var channel = Enumerable.Range(0, 3).SelectMany(n => Enumerable.Range(0, 12).Select(p => (double)y.Value[(n * 2 + c) * 12 + p])).ToArray();
            double m = channel.Average();
            Assert.Equal(0, m, 4);
            Assert.Equal(1, channel.Sum(v => (v - m) * (v - m)) / channel.Length, 3);
        }
    }

    [Fact]
    public void ShapesThatDoNotFitAreRejectedWithTheirSizes()
    {
        using var tape = new Tape();
        var x = tape.Constant(Random(1 * 3 * 4 * 4, 14), 1, 3, 4, 4);
        var wrongChannels = tape.Constant(Random(2 * 2 * 3 * 3, 15), 2, 2, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => tape.Conv2d(x, wrongChannels));
        Assert.Contains("same C", e.Message);
        var big = tape.Constant(Random(2 * 3 * 5 * 5, 16), 2, 3, 5, 5);
        Assert.Contains("does not fit", Assert.Throws<ArgumentException>(() => tape.Conv2d(x, big)).Message);
        Assert.Contains("does not fit", Assert.Throws<ArgumentException>(() => tape.MaxPool2d(x, 5)).Message);
    }
}
