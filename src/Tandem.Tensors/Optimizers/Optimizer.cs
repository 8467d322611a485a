using Tandem.Tensors.Autograd;

namespace Tandem.Tensors.Optimizers;

/// <summary>
/// Updates a fixed list of <see cref="Parameter"/>s from their gradients. Each
/// <see cref="Step"/> takes the learning rate <c>Schedule.At(StepCount)</c>, updates every
/// parameter and then increments <see cref="StepCount"/>.
/// <para>
/// Sparse parameters (embedding tables) are updated lazily: a step touches only the rows in
/// their <see cref="Parameter.SparseGrad"/>, and only those rows' optimizer state. A row that
/// no batch touched gets no weight decay, no momentum and no change of its moments, as in
/// TensorFlow's LazyAdam and PyTorch's sparse optimizers. Implementations document their
/// per-row state.
/// </para>
/// <para>
/// State (moments, accumulators, velocities) is allocated when the optimizer is created and
/// exposed by name in <see cref="State"/>; with <see cref="StepCount"/> it is everything a
/// checkpoint needs, and <see cref="LoadState"/> puts it back.
/// </para>
/// <para>
/// Determinism: updates are element-wise and every path does the same float operations in the
/// same order, so parameters after N steps are bit-identical for any <see cref="Threads.Count"/>
/// and any <see cref="SimdLevel"/>. <see cref="ClipGradNorm"/> reduces on one thread for the same reason.
/// Dense parameters of at least 131,072 elements are split over <see cref="Threads.Count"/> threads;
/// the touched rows of sparse parameters are updated on the calling thread.
/// </para>
/// Thread safety: none; call one method at a time, never during a backward pass.
/// </summary>
public abstract class Optimizer : IDisposable
{
    readonly Parameter[] parameters;
    readonly List<(string Name, Tensor Value)> state = [];
    long stepCount;

    /// <summary>An optimizer over <paramref name="parameters"/>, each given once under a unique name.</summary>
    /// <exception cref="ArgumentException">A parameter, or a parameter name, appears twice.</exception>
    protected Optimizer(IEnumerable<Parameter> parameters, LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(schedule);
        this.parameters = parameters.ToArray();
        var names = new HashSet<string>();
        foreach (var p in this.parameters)
            if (!names.Add(p.Name)) OptimizerThrow.DuplicateParameter(p.Name);
        Schedule = schedule;
    }

    /// <summary>The parameters this optimizer updates, in the order given.</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>The learning rate schedule.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>Steps taken so far; saved and restored with <see cref="State"/>.</summary>
    public long StepCount => stepCount;

    /// <summary>The learning rate the next <see cref="Step"/> will use.</summary>
    public float LearningRate => Schedule.At(stepCount);

    /// <summary>
    /// The state tensors by name (<c>"{parameter}/{kind}"</c>, kinds as in PyTorch: <c>exp_avg</c>,
    /// <c>exp_avg_sq</c>, <c>sum</c>, <c>momentum_buffer</c>, plus <c>row_step</c> for lazy Adam).
    /// They are the live tensors: read them to save, or write them (with <see cref="LoadState"/>) to restore.
    /// </summary>
    public IReadOnlyList<(string Name, Tensor Value)> State => state;

    /// <summary>Applies one update to every parameter from its current gradient, then increments <see cref="StepCount"/>.</summary>
    public void Step()
    {
        float lr = Schedule.At(stepCount);
        stepCount++;
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.SparseGrad is { } rows) UpdateRows(i, p, rows, lr);
            else UpdateDense(i, p, lr);
        }
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.ZeroGrad();
    }

    /// <summary>
    /// Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; see
    /// <see cref="GradientClipping.ClipByGlobalNorm"/>. Returns the norm before clipping.
    /// </summary>
    public float ClipGradNorm(float maxNorm) => GradientClipping.ClipByGlobalNorm(parameters, maxNorm);

    /// <summary>
    /// Restores a saved step count and state: copies each tensor of <paramref name="saved"/> into the
    /// state tensor of the same name. Every state tensor must be present once, with the same shape.
    /// </summary>
    /// <exception cref="ArgumentException">A name is missing, unknown, or a shape differs.</exception>
    public void LoadState(long stepCount, IEnumerable<(string Name, Tensor Value)> saved)
    {
        OptimizerThrow.IfNegative(stepCount, nameof(stepCount));
        var byName = new Dictionary<string, Tensor>();
        foreach (var (name, value) in saved)
        {
            int index = state.FindIndex(s => s.Name == name);
            if (index < 0 || !byName.TryAdd(name, value)) OptimizerThrow.UnknownState(name);
            if (!state[index].Value.SameShape(value)) OptimizerThrow.StateShape(name, state[index].Value, value);
        }
        foreach (var (name, _) in state)
            if (!byName.ContainsKey(name)) OptimizerThrow.MissingState(name);
        foreach (var (name, value) in state) byName[name].Span.CopyTo(value.Span);
        this.stepCount = stepCount;
    }

    /// <summary>Updates dense parameter <paramref name="index"/> from <see cref="Parameter.Grad"/> with learning rate <paramref name="lr"/>; <see cref="StepCount"/> already counts this step.</summary>
    protected abstract void UpdateDense(int index, Parameter parameter, float lr);

    /// <summary>Updates only the rows of sparse parameter <paramref name="index"/> listed in <paramref name="grad"/>, and only their state.</summary>
    protected abstract void UpdateRows(int index, Parameter parameter, SparseGrad grad, float lr);

    /// <summary>Allocates a state tensor named <c>"{parameter}/{kind}"</c> with the given shape, filled with <paramref name="initial"/>.</summary>
    protected Tensor AddState(Parameter parameter, string kind, int[] shape, float initial = 0)
    {
        var t = Tensor.Empty(shape);
        t.Span.Fill(initial);
        state.Add(($"{parameter.Name}/{kind}", t));
        return t;
    }

    /// <summary>Returns the state tensors to the pool.</summary>
    public void Dispose()
    {
        foreach (var (_, value) in state) value.Dispose();
        state.Clear();
    }
}
