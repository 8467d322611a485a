using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Optimizers.Fixtures;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>
/// Each optimizer minimises the least-squares loss L(W) = (1/n)·Σ‖W·x - y‖² of a 4×3 linear map
/// with y = W*·x, from W = 0 (L ≈ 1.3), using the closed-form gradient ∂L/∂W = (2/n)·(W·X - Y)·Xᵀ.
/// </summary>
public class ConvergenceTests
{
    const int Out = 4, In = 3, N = 32;

    public static TheoryData<string, int, double> Cases => new()
    {
        // optimizer, steps, loss it must get below
        { "sgd", 300, 1e-8 },
        { "sgd-nesterov", 300, 1e-8 },
        { "adagrad", 300, 1e-8 },
        { "adam", 300, 1e-8 },
        { "adamw", 300, 1e-6 }, // decoupled decay keeps W slightly short of W*
    };

    static Optimizer Create(string kind, Parameter w) => kind switch
    {
        "sgd" => new Sgd([w], 0.1f, new SgdOptions { Momentum = 0.9f }),
        "sgd-nesterov" => new Sgd([w], 0.1f, new SgdOptions { Momentum = 0.9f, Nesterov = true }),
        "adagrad" => new Adagrad([w], 0.5f),
        "adam" => new Adam([w], LearningRateSchedule.Cosine(0.05f, 300, floor: 1e-4f, warmupSteps: 10)),
        "adamw" => new AdamW([w], LearningRateSchedule.Cosine(0.05f, 300, floor: 1e-4f, warmupSteps: 10), new AdamWOptions { WeightDecay = 1e-3f }),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MinimisesALeastSquaresLoss(string kind, int steps, double target)
    {
        var rng = new Random(3);
        var wStar = Random(rng, Out * In);
        var x = Random(rng, In * N); // column j is sample j
        var y = new float[Out * N];
        for (int o = 0; o < Out; o++)
            for (int j = 0; j < N; j++)
                for (int i = 0; i < In; i++) y[o * N + j] += wStar[o * In + i] * x[i * N + j];

        using var w = new Parameter("w", Tensor.Zeros(Out, In));
        using var opt = Create(kind, w);
        double first = Loss(w, x, y);
        for (int step = 0; step < steps; step++)
        {
            opt.ZeroGrad();
            Loss(w, x, y);
            opt.Step();
        }
        double loss = Loss(w, x, y);
        Assert.True(first > 0.5, $"initial loss {first}");
        Assert.True(loss < target, $"{kind}: loss {loss} after {steps} steps, want < {target}");
    }

    /// <summary>The loss, with its gradient written into <c>w.Grad</c>.</summary>
    static double Loss(Parameter w, float[] x, float[] y)
    {
        var grad = w.Grad.Span;
        grad.Clear();
        double loss = 0;
        for (int o = 0; o < Out; o++)
            for (int j = 0; j < N; j++)
            {
                double r = -y[o * N + j];
                for (int i = 0; i < In; i++) r += w.Value[o, i] * x[i * N + j];
                loss += r * r / N;
                for (int i = 0; i < In; i++) grad[o * In + i] += (float)(2 * r * x[i * N + j] / N);
            }
        return loss;
    }

    [Fact]
    public void LazyAdamFitsAnEmbeddingTableFromRandomBatches()
    {
        // L = Σ over a batch of touched rows of ‖e_r - t_r‖²; each step touches 8 of 50 rows.
        const int rows = 50, cols = 5;
        var rng = new Random(4);
        var target = Random(rng, rows * cols);
        using var table = new Parameter("table", Tensor.Zeros(rows, cols), sparse: true);
        using var opt = new Adam([table], 0.05f);
        for (int step = 0; step < 1500; step++)
        {
            opt.ZeroGrad();
            for (int k = 0; k < 8; k++)
            {
                int r = rng.Next(rows);
                var g = table.SparseGrad!.Slot(r);
                for (int c = 0; c < cols; c++) g[c] = 2 * (table.Value[r, c] - target[r * cols + c]);
            }
            opt.Step();
        }
        double loss = 0;
        for (int i = 0; i < rows * cols; i++) loss += Math.Pow(table.Value[i / cols, i % cols] - target[i], 2);
        Assert.True(loss < 1e-6, $"table loss {loss}");
    }
}
