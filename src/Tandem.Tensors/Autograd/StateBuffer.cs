namespace Tandem.Tensors.Autograd;

/// <summary>
/// Named state of a model that is saved but not trained (PyTorch's <c>register_buffer</c>), e.g.
/// batch norm's running mean and variance: no gradient, no optimizer, but model files,
/// checkpoints and the best-epoch snapshot keep it beside the <see cref="Parameter"/>s, so a
/// reloaded model computes what the saved one did. Owns its tensor.
/// </summary>
public sealed class StateBuffer : IDisposable
{
    /// <summary>A buffer owning <paramref name="value"/>.</summary>
    public StateBuffer(string name, Tensor value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
    }

    /// <summary>A buffer of <paramref name="length"/> copies of <paramref name="fill"/>.</summary>
    public static StateBuffer Filled(string name, float fill, int length)
    {
        var value = Tensor.Empty(length);
        value.Span.Fill(fill);
        return new StateBuffer(name, value);
    }

    /// <summary>A name unique within a model, used by model files and checkpoints.</summary>
    public string Name { get; }

    /// <summary>The values, updated in place by whatever keeps the state (e.g. batch norm in training).</summary>
    public Tensor Value { get; }

    /// <summary>Returns the tensor to the pool.</summary>
    public void Dispose() => Value.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value}";
}
