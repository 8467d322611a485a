using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Optimizers.Fixtures;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>Lazy row updates of sparse parameters.</summary>
public class SparseUpdateTests
{
    const int Rows = 6, Cols = 19; // 19 columns: one 16-wide vector plus a scalar remainder per row

    public static TheoryData<string> Kinds => ["sgd", "adagrad", "adam", "adamw"];

    static Optimizer Create(string kind, Parameter p) => kind switch
    {
        "sgd" => new Sgd([p], 0.05f, new SgdOptions { Momentum = 0.9f, Nesterov = true, WeightDecay = 0.01f }),
        "adagrad" => new Adagrad([p], 0.05f, new AdagradOptions { WeightDecay = 0.01f, InitialAccumulator = 0.1f }),
        "adam" => new Adam([p], LearningRateSchedule.Cosine(0.05f, 10, warmupSteps: 2), new AdamOptions { WeightDecay = 0.01f }),
        "adamw" => new AdamW([p], 0.05f),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TouchingEveryRowEqualsTheDenseUpdateBitForBit(string kind)
    {
        var rng = new Random(11);
        var init = Random(rng, Rows * Cols);
        using var dense = new Parameter("table", Tensor.From(init, Rows, Cols));
        using var sparse = new Parameter("table", Tensor.From(init, Rows, Cols), sparse: true);
        using var denseOpt = Create(kind, dense);
        using var sparseOpt = Create(kind, sparse);
        for (int step = 0; step < 5; step++)
        {
            var g = Random(rng, Rows * Cols);
            g.CopyTo(dense.Grad.Span);
            sparse.ZeroGrad();
            foreach (int row in new[] { 3, 0, 5, 1, 4, 2 }) // any order: rows are independent
                sparse.SparseGrad!.Accumulate(row, g.AsSpan(row * Cols, Cols));
            denseOpt.Step();
            sparseOpt.Step();
            Assert.True(dense.Value.Span.SequenceEqual(sparse.Value.Span), $"{kind} step {step + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void UntouchedRowsAndTheirStateStayExactlyUnchanged(string kind)
    {
        var rng = new Random(12);
        using var p = new Parameter("table", Tensor.From(Random(rng, Rows * Cols), Rows, Cols), sparse: true);
        using var opt = Create(kind, p);
        // Touch every row once so momentum and moments are non-zero, then only rows 1 and 4.
        foreach (int row in Enumerable.Range(0, Rows)) p.SparseGrad!.Accumulate(row, Random(rng, Cols));
        opt.Step();
        var valueBefore = p.Value.Span.ToArray();
        var stateBefore = opt.State.Select(s => s.Value.Span.ToArray()).ToArray();
        for (int step = 0; step < 3; step++)
        {
            p.ZeroGrad();
            p.SparseGrad!.Accumulate(1, Random(rng, Cols));
            p.SparseGrad!.Accumulate(4, Random(rng, Cols));
            opt.Step();
        }
        for (int row = 0; row < Rows; row++)
        {
            bool touched = row is 1 or 4;
            Assert.Equal(!touched, valueBefore.AsSpan(row * Cols, Cols).SequenceEqual(p.Value.RowSpan(row)));
            for (int s = 0; s < stateBefore.Length; s++)
            {
                var state = opt.State[s].Value;
                if (state.Rank == 1) continue; // row_step: checked below
                Assert.Equal(!touched, stateBefore[s].AsSpan(row * Cols, Cols).SequenceEqual(state.RowSpan(row)));
            }
        }
    }

    [Fact]
    public void LazyAdamCorrectsBiasByEachRowsOwnStepCount()
    {
        // A row touched at global steps 1 and 3 must move exactly as a dense row at steps 1 and 2.
        var rng = new Random(13);
        var init = Random(rng, Cols);
        var (g1, g2) = (Random(rng, Cols), Random(rng, Cols));
        using var dense = new Parameter("row", Tensor.From(init, 1, Cols));
        using var denseOpt = new Adam([dense], 0.05f);
        g1.CopyTo(dense.Grad.Span);
        denseOpt.Step();
        g2.CopyTo(dense.Grad.Span);
        denseOpt.Step();

        using var table = new Parameter("table", Tensor.Zeros(3, Cols), sparse: true);
        init.CopyTo(table.Value.RowSpan(2));
        using var opt = new Adam([table], 0.05f);
        table.SparseGrad!.Accumulate(2, g1);
        opt.Step();
        table.ZeroGrad();
        table.SparseGrad!.Accumulate(0, g1);
        opt.Step();
        table.ZeroGrad();
        table.SparseGrad!.Accumulate(2, g2);
        opt.Step();

        Assert.True(dense.Value.Span.SequenceEqual(table.Value.RowSpan(2)));
        var rowStep = opt.State.Single(s => s.Name == "table/row_step").Value.Span.ToArray();
        Assert.Equal([1f, 0, 2], rowStep);
        Assert.Equal(3, opt.StepCount);
    }
}
