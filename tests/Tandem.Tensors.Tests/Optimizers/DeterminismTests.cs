using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Optimizers.Fixtures;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>
/// Same seed and inputs give bit-identical parameters, with one thread and with two: the
/// updates are element-wise (threads only split the range) and clipping reduces on one thread,
/// so the stated tolerance for two threads is zero.
/// </summary>
public class DeterminismTests
{
    // Above FusedUpdate.ParallelThreshold so the dense update really splits; odd to leave a remainder.
    const int Length = 300_001;

    static float[] OnThreads(int threads, Func<float[]> run)
    {
        float[] result = [];
        TestData.WithThreads(threads, () => result = run());
        return result;
    }

    static float[] Run(int threads, string kind) => OnThreads(threads, () =>
    {
        var rng = new Random(7);
        using var w = new Parameter("w", Tensor.From(Random(rng, Length), Length));
        using Optimizer opt = kind == "adam"
            ? new Adam([w], LearningRateSchedule.Cosine(0.01f, 10, warmupSteps: 2), new AdamOptions { WeightDecay = 1e-3f })
            : new Sgd([w], 0.01f, new SgdOptions { Momentum = 0.9f, Nesterov = true });
        for (int step = 0; step < 4; step++)
        {
            Random(rng, Length, scale: 3).CopyTo(w.Grad.Span);
            opt.ClipGradNorm(100);
            opt.Step();
        }
        return w.Value.Span.ToArray();
    });

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void OneThreadRepeatsBitForBitAndTwoThreadsAgreeExactly(string kind)
    {
        Assert.True(Length >= FusedUpdate.ParallelThreshold);
        var first = Run(1, kind);
        Assert.True(first.AsSpan().SequenceEqual(Run(1, kind)));
        Assert.True(first.AsSpan().SequenceEqual(Run(2, kind)));
    }

    static float[] RunSparse(int threads, string kind)
    {
        const int rows = 3000, cols = 64;
        return OnThreads(threads, () =>
        {
            var rng = new Random(8);
            using var table = new Parameter("table", Tensor.From(Random(rng, rows * cols), rows, cols), sparse: true);
            using Optimizer opt = kind switch
            {
                "adam" => new Adam([table], 0.01f),
                "adagrad" => new Adagrad([table], 0.01f),
                _ => new Sgd([table], 0.01f, new SgdOptions { Momentum = 0.9f }),
            };
            for (int step = 0; step < 4; step++)
            {
                // About 1,100 distinct rows per step, enough to split the row updates over threads;
                // rows touched in some steps only have their own step counts.
                table.ZeroGrad();
                for (int i = 0; i < 1500; i++)
                    table.SparseGrad!.Accumulate(rng.Next(rows), Random(rng, cols, scale: 3));
                opt.Step();
            }
            return table.Value.Span.ToArray();
        });
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adagrad")]
    [InlineData("sgd")]
    public void SparseRowUpdatesOnTwoThreadsAgreeExactlyWithOne(string kind) =>
        Assert.True(RunSparse(1, kind).AsSpan().SequenceEqual(RunSparse(2, kind)));
}
