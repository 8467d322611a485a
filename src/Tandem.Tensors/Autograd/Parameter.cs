namespace Tandem.Tensors.Autograd;

/// <summary>
/// A trainable tensor with its gradient: a leaf <see cref="Variable"/> that always requires a
/// gradient. Dense parameters accumulate into <see cref="Variable.Grad"/>; sparse ones
/// (embedding tables) accumulate only the rows a batch touched into <see cref="SparseGrad"/>,
/// so optimizers can update those rows lazily. Only <see cref="Ops.Embedding"/> produces row
/// gradients; any other op that reads a sparse table (e.g. a matmul against the whole table)
/// adds its gradient to the dense <see cref="Variable.Grad"/>, which the optimizer must then
/// also read, so gather rows with <see cref="Ops.Embedding"/> first.
/// </summary>
public sealed class Parameter : Variable
{
    /// <summary>A parameter owning <paramref name="value"/>.</summary>
    public Parameter(string name, Tensor value, bool sparse = false) : base(value, requiresGrad: true)
    {
        Name = name;
        SparseGrad = sparse ? new SparseGrad(value.Rows, value.Cols) : null;
        // Dense gradients exist from the start so optimizers never see a lazy allocation;
        // a sparse table's dense Grad is allocated only if something asks for it.
        if (!sparse) _ = Grad;
    }

    /// <summary>A name unique within a model, used by checkpoints.</summary>
    public string Name { get; }

    /// <summary>The current values (the same tensor as <see cref="Variable.Value"/>).</summary>
    public new Tensor Value => base.Value;

    /// <summary>
    /// The dense gradient, same shape as <see cref="Value"/> (the same tensor as
    /// <see cref="Variable.Grad"/>); a sparse parameter allocates it only if something asks.
    /// </summary>
    public new Tensor Grad => base.Grad;

    /// <summary>The touched rows' gradients for a sparse parameter, else null.</summary>
    public SparseGrad? SparseGrad { get; }

    /// <summary>Whether gradients arrive as rows (<see cref="SparseGrad"/>) rather than densely.</summary>
    public bool IsSparse => SparseGrad is not null;

    /// <summary>Clears the gradient before the next backward pass.</summary>
    public override void ZeroGrad()
    {
        SparseGrad?.Clear();
        base.ZeroGrad();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SparseGrad?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value}";
}
