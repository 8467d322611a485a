using Tandem.Data.Schema;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// Encodes one feature of a batch into a [count, <see cref="Width"/>] matrix that a tower
/// concatenates with the others. Owns its parameters and buffers. Not thread-safe (one tape per thread).
/// </summary>
public interface IFeatureModule
{
    /// <summary>The feature read.</summary>
    FeatureSpec Spec { get; }

    /// <summary>Columns of the output.</summary>
    int Width { get; }

    /// <summary>The trainable parameters.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>State saved with the model but not trained (e.g. batch norm's running statistics); none by default.</summary>
    IReadOnlyList<StateBuffer> Buffers => [];

    /// <summary>Generators a training step draws from (e.g. history dropout), named for checkpoints; none by default.</summary>
    IReadOnlyList<(string Name, Rng Rng)> Generators => [];

    /// <summary>Vectors per example: 1, or K for a history pooled into K interests (<see cref="SequencePooling.Interests"/>). Default 1.</summary>
    int Vectors => 1;

    /// <summary>The [input.Count·Vectors, Width] encoding of the feature (example b's vectors in rows b·Vectors onwards).</summary>
    Variable Encode(Tape tape, TowerInput input, bool training);
}
