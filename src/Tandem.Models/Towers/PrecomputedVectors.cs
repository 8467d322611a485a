using Tandem.Data.Schema;
using Tandem.IO;
using Tandem.Retrieval.Formats;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Towers;

/// <summary>
/// Frozen per-item vectors (from an offline encoder, e.g. an ONNX image model) under a trainable
/// linear projection: example b reads row <c>ids[b]</c> of the table, which no step changes.
/// Not thread-safe: one tape per thread.
/// </summary>
public sealed class PrecomputedVectors : IFeatureModule, IDisposable
{
    readonly Variable table;
    readonly Dense projection;

    /// <summary>A module over <paramref name="vectors"/> ([items, d], now owned by it) projected to <paramref name="dimension"/>.</summary>
    /// <exception cref="ModelException">The vectors are not a matrix.</exception>
    public PrecomputedVectors(FeatureSpec spec, Tensor vectors, int dimension, Random rng)
    {
        if (vectors.Rank != 2) ModelThrow.Config($"Precomputed vectors of '{spec.Name}' must be an items × dimension matrix, got {vectors}.");
        Spec = spec;
        table = new Variable(vectors);
        projection = new Dense(spec.Name + ".projection", vectors.Cols, dimension, rng);
    }

    /// <summary>A module over the float32 matrix in the .npy file at <paramref name="path"/> (row i = item i).</summary>
    /// <exception cref="Tandem.IO.TandemFileException">The file is missing or not a float .npy matrix; the message names it.</exception>
    public static PrecomputedVectors FromNpy(FeatureSpec spec, string path, int dimension, Random rng)
    {
        var set = Npy.Read(path);
        return new PrecomputedVectors(spec, Tensor.From(set.Data, set.Rows, set.Dimension), dimension, rng);
    }

    /// <inheritdoc/>
    public FeatureSpec Spec { get; }

    /// <summary>Rows (items) of the frozen table.</summary>
    public int Count => table.Rows;

    /// <inheritdoc/>
    public int Width => projection.Outputs;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => projection.Parameters.ToArray();

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">An id is not a row of the table.</exception>
    public Variable Encode(Tape tape, TowerInput input, bool training) =>
        projection.Apply(tape, tape.Embedding(table, input[Spec.Name].Ids.AsSpan(0, input.Count)));

    /// <summary>Returns the table's buffer to the pool.</summary>
    public void Dispose() => table.Dispose();
}
