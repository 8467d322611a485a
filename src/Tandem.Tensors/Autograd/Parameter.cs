namespace Tandem.Tensors.Autograd;

/// <summary>
/// A trainable tensor with its gradient. Dense parameters accumulate into <see cref="Grad"/>;
/// sparse ones (embedding tables) accumulate only the rows a batch touched into
/// <see cref="SparseGrad"/>, so optimizers can update those rows lazily.
/// </summary>
public sealed class Parameter : IDisposable
{
    /// <summary>A parameter owning <paramref name="value"/>.</summary>
    public Parameter(string name, Tensor value, bool sparse = false)
    {
        Name = name;
        Value = value;
        Grad = Tensor.Zeros(value.Shape.ToArray());
        SparseGrad = sparse ? new SparseGrad(value.Rows, value.Cols) : null;
    }

    /// <summary>A name unique within a model, used by checkpoints.</summary>
    public string Name { get; }

    /// <summary>The current values.</summary>
    public Tensor Value { get; }

    /// <summary>The dense gradient, same shape as <see cref="Value"/>; unused by sparse parameters.</summary>
    public Tensor Grad { get; }

    /// <summary>The touched rows' gradients for a sparse parameter, else null.</summary>
    public SparseGrad? SparseGrad { get; }

    /// <summary>Whether gradients arrive as rows (<see cref="SparseGrad"/>) rather than densely.</summary>
    public bool IsSparse => SparseGrad is not null;

    /// <summary>Clears the gradient before the next backward pass.</summary>
    public void ZeroGrad()
    {
        if (SparseGrad is { } rows) rows.Clear();
        else Grad.Span.Clear();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Value.Dispose();
        Grad.Dispose();
        SparseGrad?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value}";
}
