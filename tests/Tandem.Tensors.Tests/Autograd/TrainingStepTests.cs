using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

/// <summary>Ops working together the way a two-tower model uses them, step after step.</summary>
public class TrainingStepTests
{
    const int Users = 20, Items = 30, Dim = 8, Batch = 10, Features = 3;

    sealed class TwoTower : IDisposable
    {
        public readonly Parameter UserTable = new("user", Tensor.From(Random(Users * Dim, 1, -0.5f, 0.5f), Users, Dim), sparse: true);
        public readonly Parameter ItemTable = new("item", Tensor.From(Random(Items * Dim, 2, -0.5f, 0.5f), Items, Dim), sparse: true);
        public readonly Parameter W = new("w", Tensor.From(Random(Dim * Dim, 3, -0.5f, 0.5f), Dim, Dim));
        public readonly Parameter Bias = new("b", Tensor.Zeros(Dim));

        public Parameter[] All => [UserTable, ItemTable, W, Bias];

        /// <summary>In-batch softmax: user b's bag of features should score item b highest.</summary>
        public Variable Loss(Tape tape, int[] userFeatures, int[] offsets, int[] items, int[] targets)
        {
            var users = tape.BagMean(tape.Embedding(UserTable, userFeatures), offsets);
            var queries = tape.L2Normalize(tape.Relu(tape.Linear(users, W, Bias)));
            var candidates = tape.L2Normalize(tape.Embedding(ItemTable, items));
            var logits = tape.Scale(tape.MatMul(queries, candidates, transB: true), 10f);
            return tape.SoftmaxCrossEntropy(logits, targets);
        }

        public void SgdStep(float lr)
        {
            foreach (var p in All)
            {
                if (p.SparseGrad is { } rows)
                    for (int slot = 0; slot < rows.Count; slot++)
                    {
                        var row = p.Value.RowSpan(rows.Rows[slot]);
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(rows.Values(slot), -lr, row, row);
                    }
                else System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(p.Grad.Span, -lr, p.Value.Span, p.Value.Span);
                p.ZeroGrad();
            }
        }

        public void Dispose()
        {
            foreach (var p in All) p.Dispose();
        }
    }

    static (int[] features, int[] offsets, int[] items, int[] targets) Batch0()
    {
        var rng = new Random(5);
        var offsets = new int[Batch + 1];
        for (int b = 0; b < Batch; b++) offsets[b + 1] = offsets[b] + 1 + b % Features;
        var features = Enumerable.Range(0, offsets[^1]).Select(_ => rng.Next(Users)).ToArray();
        var items = Enumerable.Range(0, Batch).Select(b => (b * 7) % Items).ToArray();
        return (features, offsets, items, Enumerable.Range(0, Batch).ToArray());
    }

    [Fact]
    public void SgdOnTheAutogradGradientsLowersAnInBatchSoftmaxLoss()
    {
        using var model = new TwoTower();
        var (features, offsets, items, targets) = Batch0();
        using var tape = new Tape();
        float first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            var loss = model.Loss(tape, features, offsets, items, targets);
            if (step == 0) first = loss.Value[0];
            last = loss.Value[0];
            tape.Backward(loss);
            model.SgdStep(0.5f);
            tape.Reset();
        }
        Assert.True(last < 0.5f * first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void ASteadyStateStepAllocatesOnlyTheTapesSmallPerOpObjects()
    {
        using var model = new TwoTower();
        var (features, offsets, items, targets) = Batch0();
        using var tape = new Tape();
        void Step()
        {
            tape.Backward(model.Loss(tape, features, offsets, items, targets));
            model.SgdStep(0.1f);
            tape.Reset();
        }
        Step();
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // 11 ops (about 6 KB measured), each a Variable, a Tensor view object with its shape arrays and a closure:
        // a few hundred bytes apiece; no float buffer (the smallest here is 10×8×4 = 320 B, the
        // tables 30×8×4 = 960 B) is allocated, but the bound cannot tell those apart, so it is loose.
        Assert.True(allocated < 16 * 1024, $"a steady-state step allocated {allocated} bytes");
    }
}
