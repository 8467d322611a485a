using System.Diagnostics;
using Tandem.Tensors;

namespace Tandem.Models.Persistence;

/// <summary>
/// A copy of a model's parameter and buffer values (the best epoch's, for early stopping) that
/// can be copied back bit for bit; checkpoints save it beside the live values. Owns its tensors.
/// </summary>
public sealed class ModelSnapshot : IDisposable
{
    ModelSnapshot(List<(string Name, Tensor Value)> parameters, List<(string Name, Tensor Value)> buffers) =>
        (Parameters, Buffers) = (parameters, buffers);

    /// <summary>The copied parameter values, in the model's order.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Parameters { get; }

    /// <summary>The copied buffer values, in the model's order.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Buffers { get; }

    /// <summary>Copies the current parameter and buffer values of <paramref name="model"/>.</summary>
    public static ModelSnapshot Of(ModelState model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelSnapshot([.. model.ParameterValues.Select(Copy)], [.. model.BufferValues.Select(Copy)]);
        static (string, Tensor) Copy((string Name, Tensor Value) t) => (t.Name, t.Value.Clone());
    }

    /// <summary>Copies the values back into <paramref name="model"/>, which must be the one (or of the architecture) snapshotted.</summary>
    public void CopyTo(ModelState model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Debug.Assert(model.Parameters.Count == Parameters.Count && model.Buffers.Count == Buffers.Count);
        for (int i = 0; i < Parameters.Count; i++) Parameters[i].Value.Span.CopyTo(model.Parameters[i].Value.Span);
        for (int i = 0; i < Buffers.Count; i++) Buffers[i].Value.Span.CopyTo(model.Buffers[i].Value.Span);
    }

    /// <summary>Returns the copies to the pool.</summary>
    public void Dispose()
    {
        foreach (var (_, value) in Parameters.Concat(Buffers)) value.Dispose();
    }
}
