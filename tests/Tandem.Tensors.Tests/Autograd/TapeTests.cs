using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

public class TapeTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsUntilZeroed()
    {
        using var w = new Parameter("w", Tensor.From([2f, -3], 2));
        using var tape = new Tape();
        // loss = Σ (w ⊙ w) → dloss/dw = 2w = [4, -6]
        var loss = tape.Sum(tape.Multiply(w, w));
        tape.Backward(loss);
        Assert.Equal([4f, -6], w.Grad.Span.ToArray());
        tape.Backward(loss); // same tape again: intermediates restart, the leaf adds once more
        Assert.Equal([8f, -12], w.Grad.Span.ToArray());
        tape.Reset();
        tape.Backward(tape.Sum(tape.Multiply(w, w))); // and across steps
        Assert.Equal([12f, -18], w.Grad.Span.ToArray());
        w.ZeroGrad();
        Assert.Equal([0f, 0], w.Grad.Span.ToArray());
    }

    [Fact]
    public void SparseGradientsAccumulateAcrossBackwardCallsToo()
    {
        using var table = new Parameter("t", Tensor.From([1f, 2, 3, 4], 2, 2), sparse: true);
        using var tape = new Tape();
        var loss = tape.Sum(tape.Embedding(table, [1]));
        tape.Backward(loss);
        tape.Backward(loss);
        Assert.Equal([1], table.SparseGrad!.Rows.ToArray());
        Assert.Equal([2f, 2], table.SparseGrad.Values(0).ToArray()); // 1 per call on each element of row 1
        table.ZeroGrad();
        Assert.Equal(0, table.SparseGrad.Count);
    }

    [Fact]
    public void NoGradRecordsNothingAndOutputsNeedNoGradient()
    {
        using var w = new Parameter("w", Tensor.From([1f, 2, 3, 4], 2, 2));
        using var tape = new Tape();
        var x = tape.Constant([1, 1], 1, 2);
        using (tape.NoGrad())
        {
            using (tape.NoGrad()) { }
            var y = tape.Sum(tape.Relu(tape.MatMul(x, w)));
            Assert.Equal(10f, y.Value[0]); // [1, 1]·[[1, 2], [3, 4]] = [4, 6], sum 10
            Assert.False(y.RequiresGrad);
            Assert.False(tape.IsRecording);
            Assert.Throws<ArgumentException>(() => tape.Backward(y));
        }
        Assert.Equal(0, tape.Count);
        Assert.True(tape.IsRecording);
        Assert.Equal(4, tape.Count + tape.MatMul(x, w).Value.Length * 2); // recording again: one op, 2 outputs
        Assert.Equal(1, tape.Count);
    }

    [Fact]
    public void OpsOnConstantsRecordNothing()
    {
        using var tape = new Tape();
        var y = tape.Exp(tape.Constant([1, 2], 2));
        Assert.False(y.RequiresGrad);
        Assert.Equal(0, tape.Count);
    }

    [Fact]
    public void BackwardRejectsANonScalarLoss()
    {
        using var tape = new Tape();
        using var x = Leaf(1, [2, 2]);
        var ex = Assert.Throws<ArgumentException>(() => tape.Backward(tape.Relu(x)));
        Assert.Contains("scalar", ex.Message);
    }

    [Fact]
    public void ATrainingStepReusesPooledBuffersAndAllocatesNoLargeArrays()
    {
        // 300×300 floats = 360 KB per tensor, in a pool bucket of its own among these tests.
        const int n = 300;
        using var w = new Parameter("w", Tensor.From(Random(n * n, 1), n, n));
        var input = Random(n * n, 2);
        using var tape = new Tape();
        var seen = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        void Step()
        {
            var h = tape.Tanh(tape.Multiply(tape.Constant(input, n, n), w));
            var loss = tape.Mean(tape.Multiply(h, h));
            tape.Backward(loss);
            seen.Add(h.Value.Buffer);
            seen.Add(h.Grad.Buffer);
            tape.Reset();
        }
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"a steady-state step allocated {allocated} bytes; one tensor alone is {n * n * 4}.");
        for (int i = 0; i < 8; i++) Step();
        // A step holds at most 8 such buffers at once (4 values, their gradients, one scratch);
        // without reuse 10 steps would have shown 20 distinct ones here.
        Assert.InRange(seen.Count, 2, 9);
    }
}
