using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Tolerances: smooth ops in float with h = 1e-2 give central differences good to ~1e-4
// relative; rtol 1e-2 and atol 1e-4 leave room for float rounding of sums of ~10 terms.
public class LinearOpsTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMulGradientsMatchFiniteDifferencesForEveryTranspose(bool transA, bool transB)
    {
        const int m = 3, n = 5, k = 4;
        using var a = Leaf(1, transA ? [k, m] : [m, k]);
        using var b = Leaf(2, transB ? [n, k] : [k, n]);
        Check(t => t.MatMul(a, b, transA, transB), [a, b], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void MatMulOfAVariableWithItselfSumsBothPaths()
    {
        using var a = Leaf(3, [3, 4]);
        Check(t => t.MatMul(a, a, transB: true), [a], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void MatMulValueMatchesHandComputedProduct()
    {
        using var tape = new Tape();
        // [1 2; 3 4]·[5; 6] = [1·5+2·6; 3·5+4·6] = [17; 39]
        var y = tape.MatMul(tape.Constant([1, 2, 3, 4], 2, 2), tape.Constant([5, 6], 2, 1));
        Assert.Equal([17f, 39], y.Value.Span.ToArray());
    }

    [Fact]
    public void LinearAndReshapeGradientsMatchFiniteDifferences()
    {
        using var x = Leaf(4, [2, 3, 4]);
        using var w = Leaf(5, [4, 3]);
        using var bias = Leaf(6, [3]);
        Check(t => t.Reshape(t.Linear(t.Reshape(x, 6, 4), w, bias), 2, -1), [x, w, bias], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Linear(x, w, bias), [x, w, bias], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Linear(x, w), [x, w], rtol: 1e-2, atol: 1e-4);
        using var tape = new Tape();
        Assert.Equal([2, 3, 3], tape.Linear(x, w, bias).Value.Shape.ToArray()); // B×T×in → B×T×out
    }

    [Fact]
    public void SumAndMeanGradientsMatchFiniteDifferences()
    {
        using var x = Leaf(7, [3, 5]);
        Check(t => t.Sum(x), [x], rtol: 1e-3, atol: 1e-4);
        Check(t => t.Mean(x), [x], rtol: 1e-3, atol: 1e-4);
    }
}
