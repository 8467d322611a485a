namespace Tandem.Tensors.Autograd;

/// <summary>
/// Where a backward rule writes one input's gradient contribution: straight into the
/// gradient when it is fresh, else into pooled scratch that <see cref="Dispose"/> adds in.
/// Lets each rule be written as "compute dx" whether or not dx already holds a sum.
/// </summary>
internal ref struct GradSink
{
    readonly Variable target;
    readonly float[]? scratch;

    /// <summary>Where to write the contribution; every element must be written.</summary>
    public Span<float> Span { get; }

    public GradSink(Variable target)
    {
        this.target = target;
        var grad = target.GradForWrite(out bool accumulate);
        if (accumulate)
        {
            scratch = TensorPool.Rent(grad.Length);
            Span = scratch.AsSpan(0, grad.Length);
        }
        else Span = grad;
    }

    public readonly void Dispose()
    {
        if (scratch is null) return;
        var grad = target.Grad.Span;
        System.Numerics.Tensors.TensorPrimitives.Add(grad, Span, grad);
        TensorPool.Return(scratch);
    }
}

/// <summary>
/// A <see cref="GradSink"/> for a rule whose kernel computes several gradients at once: for an
/// input that needs no gradient the contribution goes to pooled scratch and is dropped.
/// </summary>
internal ref struct Sink
{
    GradSink sink;
    readonly float[]? discard;

    /// <summary>Where to write the contribution; every element must be written.</summary>
    public Span<float> Span { get; }

    public Sink(Variable target)
    {
        if (target.RequiresGrad)
        {
            sink = new GradSink(target);
            Span = sink.Span;
        }
        else
        {
            discard = TensorPool.Rent(target.Value.Length);
            Span = discard.AsSpan(0, target.Value.Length);
        }
    }

    public readonly void Dispose()
    {
        if (discard is not null) TensorPool.Return(discard);
        else sink.Dispose();
    }
}
