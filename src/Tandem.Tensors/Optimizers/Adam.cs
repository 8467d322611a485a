using System.Diagnostics;
using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015) as PyTorch's <c>torch.optim.Adam</c> (amsgrad off). At step t
/// (1-based) with learning rate γ:
/// <code>
/// g ← g + λ·p
/// m ← β1·m + (1-β1)·g
/// v ← β2·v + (1-β2)·g²
/// m̂ = m / (1-β1^t),  v̂ = v / (1-β2^t)
/// p ← p - γ·m̂ / (√v̂ + ε)
/// </code>
/// computed as <c>p - (γ/(1-β1^t))·m / (√v/√(1-β2^t) + ε)</c>, PyTorch's order of operations.
/// <para>
/// Sparse parameters are updated lazily, as by TensorFlow's LazyAdam and PyTorch's SparseAdam:
/// only touched rows change their m, v and value; untouched rows get no decay and no momentum.
/// Unlike those two, which bias-correct every row by the global step, each row keeps its own
/// step count (<c>row_step</c>, the number of steps that touched it) as the t of its bias
/// correction, so a rarely seen row's first updates are corrected as a fresh parameter's are.
/// On MovieLens (docs/benchmarks.md) this trains the loss more slowly than the global rule but
/// ranks better (Recall@10 0.1229 against 0.1204 over five seeds). When every row is touched at
/// every step both equal dense Adam exactly.
/// </para>
/// </summary>
public class Adam : Optimizer
{
    readonly float beta1, beta2, epsilon, weightDecay;
    readonly bool decoupled;
    readonly Tensor[] m, v;
    readonly Tensor?[] rowSteps;
    // 1 - β1^t and √(1 - β2^t) by t, computed once each: two Math.Pow per touched row and step
    // were a tenth of a training step's time.
    double[] bias1 = [];
    float[] sqrtBias2 = [];

    /// <summary>Adam with a constant learning rate.</summary>
    public Adam(IEnumerable<Parameter> parameters, float learningRate, AdamOptions? options = null)
        : this(parameters, LearningRateSchedule.Constant(learningRate), options) { }

    /// <summary>Adam with a learning-rate schedule; <paramref name="options"/> default to <c>new AdamOptions()</c>.</summary>
    /// <exception cref="ArgumentException">A parameter appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options are <c>default</c> (ε = 0); use <c>new AdamOptions()</c>.</exception>
    public Adam(IEnumerable<Parameter> parameters, LearningRateSchedule schedule, AdamOptions? options = null)
        : this(parameters, schedule, options ?? new AdamOptions(), decoupled: false) { }

    private protected Adam(IEnumerable<Parameter> parameters, LearningRateSchedule schedule, AdamOptions options, bool decoupled)
        : base(parameters, schedule)
    {
        beta1 = options.Beta1;
        beta2 = options.Beta2;
        epsilon = OptimizerThrow.IfNotPositive(options.Epsilon, "Epsilon");
        weightDecay = options.WeightDecay;
        this.decoupled = decoupled;
        m = new Tensor[Parameters.Count];
        v = new Tensor[Parameters.Count];
        rowSteps = new Tensor?[Parameters.Count];
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            m[i] = AddState(p, "exp_avg", p.Value.Shape.ToArray());
            v[i] = AddState(p, "exp_avg_sq", p.Value.Shape.ToArray());
            // Float counts are exact up to 2^24 touches of one row, far beyond any training run.
            if (p.IsSparse) rowSteps[i] = AddState(p, "row_step", [p.Value.Rows]);
        }
    }

    /// <summary>The update for bias-correction step <paramref name="t"/>; the corrections are computed in double as PyTorch does.</summary>
    AdamUpdate Op(float lr, long t) => decoupled
        ? new(beta1, beta2, epsilon, l2: 0, decay: (float)(1 - (double)lr * weightDecay), (float)(lr / bias1[t]), sqrtBias2[t])
        : new(beta1, beta2, epsilon, l2: weightDecay, decay: 1, (float)(lr / bias1[t]), sqrtBias2[t]);

    /// <summary>Fills the bias corrections up to step <paramref name="t"/>.</summary>
    void CorrectionsUpTo(long t)
    {
        if (t < bias1.Length) return;
        int from = bias1.Length, length = (int)Math.Max(t + 1, 2L * bias1.Length);
        Array.Resize(ref bias1, length);
        Array.Resize(ref sqrtBias2, length);
        for (int s = from; s < length; s++)
        {
            bias1[s] = 1 - Math.Pow(beta1, s);
            sqrtBias2[s] = (float)Math.Sqrt(1 - Math.Pow(beta2, s));
        }
    }

    /// <inheritdoc/>
    protected override void UpdateDense(int index, Parameter parameter, float lr)
    {
        CorrectionsUpTo(StepCount);
        FusedUpdate.Run(Op(lr, StepCount), parameter.Value, parameter.Grad, m[index], v[index]);
    }

    /// <inheritdoc/>
    protected override void UpdateRows(int index, Parameter parameter, SparseGrad grad, float lr)
    {
        var steps = rowSteps[index]!.Span;
        foreach (int row in grad.Rows)
        {
            Debug.Assert(steps[row] < 1 << 24, "A row's step count is no longer exact in float.");
            steps[row]++;
        }
        CorrectionsUpTo(StepCount); // no row has taken more steps than the optimizer
        FusedUpdate.RunRows<AdamUpdate, RowUpdates>(new(this, lr, rowSteps[index]!), parameter.Value, grad, m[index], v[index]);
    }

    /// <summary>Each row's update, bias-corrected by the row's own step count.</summary>
    readonly struct RowUpdates(Adam adam, float lr, Tensor steps) : IRowUpdates<AdamUpdate>
    {
        public AdamUpdate ForRow(int row) => adam.Op(lr, (long)steps.Span[row]);
    }
}
