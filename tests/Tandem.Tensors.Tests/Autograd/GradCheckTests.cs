using Tandem.Tensors.Autograd;
using Xunit.Sdk;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

public class GradCheckTests
{
    /// <summary>y = x² with a backward that is off by <paramref name="error"/> (relative).</summary>
    static Variable SquareWithWrongGradient(Tape tape, Variable x, float error)
    {
        var y = tape.Output(Tensor.Empty(x.Value.Shape.ToArray()), x.RequiresGrad);
        System.Numerics.Tensors.TensorPrimitives.Multiply(x.Value.Span, x.Value.Span, y.Value.Span);
        tape.Record(y, () =>
        {
            var dx = x.Grad.Span;
            for (int i = 0; i < dx.Length; i++) dx[i] += (2 + error) * x.Value[i] * y.Grad[i];
        });
        return y;
    }

    [Fact]
    public void ACorrectGradientPassesAndAWrongOneFails()
    {
        using var x = Leaf(1, [2, 3]);
        Check(t => SquareWithWrongGradient(t, x, 0), [x], rtol: 1e-3, atol: 1e-4);
        Assert.Throws<TrueException>(() => Check(t => SquareWithWrongGradient(t, x, 0.1f), [x], rtol: 1e-2, atol: 1e-4));
    }

    [Fact]
    public void InputsThatNeedNoGradientAreSkippedAndGetNone()
    {
        using var a = new Variable(Tensor.From(Random(6, 2), 2, 3));
        using var b = Leaf(3, [3, 2]);
        Check(t => t.MatMul(a, b), [a, b], rtol: 1e-2, atol: 1e-4);
        Check(t => t.Concat(b, t.MatMul(a, b, transA: true, transB: true)), [a, b], rtol: 1e-2, atol: 1e-4);
        Assert.False(a.HasGrad);
    }
}
