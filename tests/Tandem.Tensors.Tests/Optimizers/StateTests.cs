using Tandem.Tensors.Autograd;
using Tandem.Tensors.Optimizers;
using static Tandem.Tensors.Tests.Optimizers.Fixtures;

namespace Tandem.Tensors.Tests.Optimizers;

/// <summary>Saving and restoring optimizer state, and the checks on restore.</summary>
public class StateTests
{
    public static TheoryData<string> Kinds => ["sgd", "adagrad", "adam", "adamw"];

    static Optimizer Create(string kind, Parameter[] ps) => kind switch
    {
        "sgd" => new Sgd(ps, 0.05f, new SgdOptions { Momentum = 0.9f }),
        "adagrad" => new Adagrad(ps, 0.05f),
        "adam" => new Adam(ps, LearningRateSchedule.Cosine(0.05f, 20, warmupSteps: 3)),
        "adamw" => new AdamW(ps, 0.05f),
        _ => throw new ArgumentException(kind),
    };

    static Parameter[] Model(float[] dense, float[] table) =>
        [new("dense", Tensor.From(dense, 3, 7)), new("table", Tensor.From(table, 10, 4), sparse: true)];

    static void Train(Optimizer opt, Random rng, int steps)
    {
        for (int step = 0; step < steps; step++)
        {
            opt.ZeroGrad();
            var (dense, table) = (opt.Parameters[0], opt.Parameters[1]);
            Random(rng, dense.Value.Length).CopyTo(dense.Grad.Span);
            for (int k = 0; k < 3; k++) table.SparseGrad!.Accumulate(rng.Next(10), Random(rng, 4));
            opt.Step();
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RestoredStateContinuesBitForBit(string kind)
    {
        var rng = new Random(21);
        var (dense, table) = (Random(rng, 21), Random(rng, 40));
        var original = Model(dense, table);
        using var opt = Create(kind, original);
        Train(opt, new Random(1), 4);

        // Save: copy values, state and step count, as a checkpoint writer would.
        var savedValues = original.Select(p => p.Value.Clone()).ToArray();
        var savedState = opt.State.Select(s => (s.Name, Value: s.Value.Clone())).ToList();
        long savedStep = opt.StepCount;
        Assert.NotEmpty(savedState);

        // Restore into fresh parameters and a fresh optimizer, then both continue with the same gradients.
        var restored = Model(savedValues[0].Span.ToArray(), savedValues[1].Span.ToArray());
        using var fresh = Create(kind, restored);
        fresh.LoadState(savedStep, savedState);
        Assert.Equal(savedStep, fresh.StepCount);
        Train(opt, new Random(2), 5);
        Train(fresh, new Random(2), 5);

        for (int i = 0; i < original.Length; i++)
            Assert.True(original[i].Value.Span.SequenceEqual(restored[i].Value.Span), original[i].Name);
        foreach (var t in savedValues.Concat(savedState.Select(s => s.Value))) t.Dispose();
        foreach (var p in original.Concat(restored)) p.Dispose();
    }

    [Fact]
    public void StateIsNamedByParameterAndKind()
    {
        var ps = Model(new float[21], new float[40]);
        using var adam = new Adam(ps, 0.1f);
        Assert.Equal(["dense/exp_avg", "dense/exp_avg_sq", "table/exp_avg", "table/exp_avg_sq", "table/row_step"], adam.State.Select(s => s.Name));
        using var sgd = new Sgd(ps, 0.1f);
        Assert.Empty(sgd.State); // no momentum, no state
        foreach (var p in ps) p.Dispose();
    }

    [Fact]
    public void RestoreRejectsMissingUnknownAndMisshapenState()
    {
        using var w = Dense("w", 1, 2);
        using var opt = new Adagrad([w], 0.1f);
        using var right = Tensor.Zeros(2);
        using var wrong = Tensor.Zeros(3);
        Assert.Contains("'w/sum' is missing", Assert.Throws<ArgumentException>(() => opt.LoadState(1, [])).Message);
        Assert.Contains("'w/exp_avg' is not kept", Assert.Throws<ArgumentException>(() => opt.LoadState(1, [("w/sum", right), ("w/exp_avg", right)])).Message);
        Assert.Contains("'w/sum' is Tensor[3]", Assert.Throws<ArgumentException>(() => opt.LoadState(1, [("w/sum", wrong)])).Message);
        Assert.Equal(0, opt.StepCount);
    }

    [Fact]
    public void BadOptionsAndParametersAreRejectedWithTheirName()
    {
        using var w = Dense("w", 1, 2);
        using var alias = Dense("w", 3);
        Assert.Contains("Beta1 is 1", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptions { Beta1 = 1 }).Message);
        Assert.Contains("WeightDecay is -0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptions { WeightDecay = -0.1f }).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new Sgd([w], 0.1f, new SgdOptions { Nesterov = true })).Message);
        Assert.Contains("'w' is given to the optimizer twice", Assert.Throws<ArgumentException>(() => new Adam([w, alias], 0.1f)).Message);
        Assert.Contains("Epsilon is 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([w], 0.1f, default(AdamOptions))).Message);
    }
}
