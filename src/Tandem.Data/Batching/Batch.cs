using Tandem.Tensors;

namespace Tandem.Data.Batching;

/// <summary>
/// A mini-batch: every encoded feature of <see cref="Count"/> examples, their labels and weights.
/// A batch from <see cref="Batcher"/> is valid until the enumerator moves on, after which its
/// buffers are refilled; copy what must outlive it. Not thread-safe.
/// </summary>
public sealed class Batch : IDisposable
{
    readonly Dictionary<string, BatchFeature> byName;

    internal Batch(IEnumerable<BatchFeature> features)
    {
        Features = features.ToArray();
        byName = Features.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    /// <summary>Number of examples.</summary>
    public int Count { get; internal set; }

    /// <summary>The interactions (rows of the log) in this batch, in batch order; the first <see cref="Count"/> are used.</summary>
    public int[] Rows { get; internal set; } = [];

    /// <summary>Labels, [Count]: the label column for CTR data, else 1 (every interaction a positive).</summary>
    public Tensor Labels { get; private set; } = Tensor.Empty(0);

    /// <summary>Example weights, [Count]: 1, the rating, or the recency weight.</summary>
    public Tensor Weights { get; private set; } = Tensor.Empty(0);

    /// <summary>All features.</summary>
    public IReadOnlyList<BatchFeature> Features { get; }

    /// <summary>The feature called <paramref name="name"/>.</summary>
    public BatchFeature this[string name] => byName.TryGetValue(name, out var f) ? f
        : throw new KeyNotFoundException($"No feature '{name}' in the batch; features: {string.Join(", ", byName.Keys)}.");

    internal void Resize(int count)
    {
        Count = count;
        if (Rows.Length < count) Rows = new int[count];
        if (Labels.Length != count)
        {
            Labels.Dispose();
            Weights.Dispose();
            Labels = Tensor.Empty(count);
            Weights = Tensor.Empty(count);
        }
    }

    /// <summary>Returns the tensors to the pool.</summary>
    public void Dispose()
    {
        Labels.Dispose();
        Weights.Dispose();
        foreach (var f in Features) f.Values?.Dispose();
    }
}
