namespace Tandem.Tensors.Autograd;

/// <summary>
/// A tensor in a computation: its <see cref="Value"/> and, when it <see cref="RequiresGrad"/>,
/// the gradient of the last loss with respect to it. Leaves (inputs, <see cref="Parameter"/>s)
/// belong to the caller; variables that ops return belong to the <see cref="Tape"/> that made
/// them and are released by <see cref="Tape.Reset"/>.
/// </summary>
public class Variable : IDisposable
{
    Tensor? grad;

    /// <summary>A leaf over <paramref name="value"/>, which this variable now owns.</summary>
    public Variable(Tensor value, bool requiresGrad = false)
    {
        Value = value;
        RequiresGrad = requiresGrad;
    }

    /// <summary>The values.</summary>
    public Tensor Value { get; }

    /// <summary>Whether backward passes compute a gradient for this variable.</summary>
    public bool RequiresGrad { get; }

    /// <summary>
    /// The gradient, same shape as <see cref="Value"/>; allocated zeroed on first use. Backward
    /// passes add into it (+=), so leaves accumulate across calls until <see cref="ZeroGrad"/>.
    /// </summary>
    public Tensor Grad => grad ??= Tensor.Zeros(Value.Shape.ToArray());

    /// <summary>Whether <see cref="Grad"/> has been allocated.</summary>
    public bool HasGrad => grad is not null;

    /// <summary>Rows of <see cref="Value"/> (first dimension).</summary>
    public int Rows => Value.Rows;

    /// <summary>Elements per row of <see cref="Value"/>.</summary>
    public int Cols => Value.Cols;

    /// <summary>Clears the gradient before the next backward pass.</summary>
    public virtual void ZeroGrad() => grad?.Span.Clear();

    /// <summary>
    /// The gradient buffer for a backward rule that writes a full contribution: a fresh buffer
    /// (undefined contents, <paramref name="accumulate"/> false) the first time, else the
    /// existing one (<paramref name="accumulate"/> true, so the rule must add).
    /// </summary>
    internal Span<float> GradForWrite(out bool accumulate)
    {
        accumulate = grad is not null;
        grad ??= Tensor.Empty(Value.Shape.ToArray());
        return grad.Span;
    }

    /// <summary>Returns the gradient buffer to the pool; the next use allocates a new one.</summary>
    internal void ReleaseGrad()
    {
        grad?.Dispose();
        grad = null;
    }

    /// <summary>Returns the value and gradient buffers to the pool.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the buffers; derived classes release theirs too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        Value.Dispose();
        ReleaseGrad();
    }

    /// <inheritdoc/>
    public override string ToString() => $"Variable {Value}";
}
