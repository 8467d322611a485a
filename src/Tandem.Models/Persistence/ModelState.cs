using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Persistence;

/// <summary>
/// Everything about a model that training changes, each part by a unique name: the trainable
/// <paramref name="Parameters"/>, the <paramref name="Buffers"/> (saved, not trained) and the
/// <paramref name="Generators"/> its training steps draw from. A <see cref="Checkpoint"/> saves
/// and restores all three; a <see cref="ModelSnapshot"/> copies the first two.
/// </summary>
/// <param name="Parameters">The trainable parameters.</param>
/// <param name="Buffers">The buffers (e.g. batch norm's running statistics).</param>
/// <param name="Generators">The random generators of dropout and negative sampling.</param>
public sealed record ModelState(IReadOnlyList<Parameter> Parameters, IReadOnlyList<StateBuffer> Buffers, IReadOnlyList<(string Name, Rng Rng)> Generators)
{
    /// <summary>Named parameter values, as checkpoints store them.</summary>
    internal IEnumerable<(string Name, Tensor Value)> ParameterValues => Parameters.Select(p => (p.Name, p.Value));

    /// <summary>Named buffer values, as checkpoints store them.</summary>
    internal IEnumerable<(string Name, Tensor Value)> BufferValues => Buffers.Select(b => (b.Name, b.Value));
}
