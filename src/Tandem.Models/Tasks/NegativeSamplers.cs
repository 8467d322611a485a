using Tandem.Tensors;

namespace Tandem.Models.Tasks;

/// <summary>
/// Draws extra negative candidates for mixed negative sampling (Yang et al., WWW 2020): the
/// in-batch positives plus M items from this sampler, each column with its own log q, the log
/// of its expected number of draws, <c>log(M·p(i))</c>. Not thread-safe (owns its generator).
/// </summary>
public interface INegativeSampler
{
    /// <summary>The generator every draw comes from, which checkpoints save and restore.</summary>
    Rng Generator { get; }

    /// <summary>Fills <paramref name="items"/> with draws and <paramref name="logQ"/> with each one's log(M·p).</summary>
    void Sample(Span<int> items, Span<float> logQ);
}

/// <summary>Uniform over the given item ids.</summary>
public sealed class UniformSampler(IReadOnlyList<int> items, int seed) : INegativeSampler
{
    readonly int[] ids = items.Count > 0 ? items.ToArray() : throw new ArgumentException("The sampler needs at least one item.", nameof(items));

    /// <inheritdoc/>
    public Rng Generator { get; } = new(seed);

    /// <inheritdoc/>
    public void Sample(Span<int> items, Span<float> logQ)
    {
        float lq = MathF.Log(items.Length / (float)ids.Length);
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = ids[Generator.Next(ids.Length)];
            logQ[i] = lq;
        }
    }
}

/// <summary>Proportional to a weight per item id (e.g. the training count, or count^0.75).</summary>
public sealed class PopularitySampler : INegativeSampler
{
    readonly double[] cumulative;
    readonly float[] logP;

    /// <summary>A sampler drawing id i with probability weights[i] / Σ weights.</summary>
    /// <exception cref="ArgumentException">A weight is negative or all are zero.</exception>
    public PopularitySampler(ReadOnlySpan<float> weights, int seed)
    {
        cumulative = new double[weights.Length];
        logP = new float[weights.Length];
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (!(weights[i] >= 0)) throw new ArgumentException($"weights[{i}] is {weights[i]}; weights must be non-negative.", nameof(weights));
            sum += weights[i];
            cumulative[i] = sum;
        }
        if (!(sum > 0)) throw new ArgumentException("Every weight is zero; nothing can be sampled.", nameof(weights));
        for (int i = 0; i < weights.Length; i++) logP[i] = (float)Math.Log(weights[i] / sum);
        Generator = new Rng(seed);
    }

    /// <inheritdoc/>
    public Rng Generator { get; }

    /// <inheritdoc/>
    public void Sample(Span<int> items, Span<float> logQ)
    {
        float logM = MathF.Log(items.Length);
        double total = cumulative[^1];
        for (int i = 0; i < items.Length; i++)
        {
            // The first id whose cumulative weight exceeds u ∈ [0, total): zero-weight ids are never drawn.
            double u = Generator.NextDouble() * total;
            int lo = 0, hi = cumulative.Length - 1;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
            }
            int at = lo;
            items[i] = Math.Min(at, cumulative.Length - 1);
            logQ[i] = logP[items[i]] + logM;
        }
    }
}
