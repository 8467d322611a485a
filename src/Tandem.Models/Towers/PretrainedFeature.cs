using Tandem.Data.Schema;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// A text or image feature read through a frozen pretrained encoder: each row's value (its text,
/// or its image path) looks up its precomputed vector (<see cref="EncodedVectors"/>), which no step
/// changes, under a trainable linear projection (the head; the tower's hidden layers make it an
/// MLP). A value without a vector (empty, unknown, undecodable) is the missing modality. Not thread-safe.
/// </summary>
public sealed class PretrainedFeature : IFeatureModule, IModalityMask, IDisposable
{
    readonly Variable table;
    readonly Dense projection;
    readonly Dictionary<string, int> rowOf;
    readonly bool[] present;

    /// <summary>A module for <paramref name="spec"/> over <paramref name="vectors"/> (now owned by it), projected to <paramref name="dimension"/>.</summary>
    /// <exception cref="ModelException">The vectors do not match their keys.</exception>
    public PretrainedFeature(FeatureSpec spec, EncodedVectors vectors, int dimension, Random rng)
    {
        if (vectors.Vectors.Rank != 2 || vectors.Vectors.Rows != vectors.Keys.Count + 1 || vectors.Present.Length != vectors.Keys.Count + 1)
            ModelThrow.Config($"Pretrained vectors of '{spec.Name}' must be a [{vectors.Keys.Count} values + 1 missing, d] matrix with a presence flag per row, got {vectors.Vectors}.");
        Spec = spec;
        table = new Variable(vectors.Vectors);
        present = vectors.Present;
        rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vectors.Keys.Count; i++) rowOf.TryAdd(vectors.Keys[i], i);
        projection = new Dense(spec.Name + ".head", vectors.Vectors.Cols, dimension, rng);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }
    /// <summary>Width of the frozen vectors.</summary>
    public int EncoderWidth => table.Cols;
    /// <inheritdoc/>
    public int Width => projection.Outputs;
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => projection.Parameters.ToArray();

    /// <inheritdoc/>
    public Variable Encode(Tape tape, TowerInput input, bool training)
    {
        var texts = input[Spec.Name].Texts;
        var rows = new int[input.Count];
        for (int b = 0; b < rows.Length; b++) rows[b] = Row(texts[b]);
        return projection.Apply(tape, tape.Embedding(table, rows));
    }

    /// <inheritdoc/>
    public void Present(TowerInput input, Span<bool> present)
    {
        var texts = input[Spec.Name].Texts;
        for (int b = 0; b < input.Count; b++) present[b] = this.present[Row(texts[b])];
    }

    // The last row is the missing one (zeros, absent).
    int Row(string? value) => value is { Length: > 0 } && rowOf.TryGetValue(value, out int r) ? r : table.Rows - 1;

    /// <summary>Returns the table's buffer to the pool.</summary>
    public void Dispose() => table.Dispose();
}
