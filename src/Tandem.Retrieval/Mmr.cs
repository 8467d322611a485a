using System.Numerics.Tensors;

namespace Tandem.Retrieval;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein 1998): picks, one at a time, the candidate
/// maximising <c>(1 − λ)·relevance − λ·max similarity to those already picked</c>, similarity being
/// the inner product of item embeddings (0 for a candidate without one). Stateless, so thread-safe.
/// </summary>
public static class Mmr
{
    /// <summary>
    /// Writes to <paramref name="order"/> the positions (in the candidate list) of the MMR picks among
    /// candidates with <paramref name="relevance"/> and embedding rows <paramref name="rows"/> (-1: none)
    /// of the row-major <paramref name="vectors"/> (<paramref name="dimension"/> wide), first pick first;
    /// returns how many were picked: the smaller of <paramref name="k"/> and the candidates.
    /// </summary>
    /// <exception cref="ArgumentException">The spans' lengths disagree, or <paramref name="order"/> is shorter than the picks.</exception>
    public static int Select(ReadOnlySpan<float> relevance, ReadOnlySpan<int> rows, int k, float lambda, ReadOnlySpan<float> vectors, int dimension, Span<int> order)
    {
        int count = relevance.Length, picked = Math.Min(k, count);
        if (rows.Length != count || order.Length < picked)
            throw new ArgumentException($"MMR got {count} relevances, {rows.Length} rows and room for {order.Length} of {picked} picks.");
        var maxSimilarity = count <= 256 ? stackalloc float[count] : new float[count];
        var taken = count <= 256 ? stackalloc bool[count] : new bool[count];
        maxSimilarity.Clear();
        taken.Clear();
        for (int p = 0; p < picked; p++)
        {
            int best = -1;
            float bestValue = float.NegativeInfinity;
            for (int i = 0; i < count; i++)
            {
                if (taken[i]) continue;
                // Before the first pick nothing is similar: rank by relevance alone.
                float value = (1 - lambda) * relevance[i] - (p == 0 ? 0 : lambda * maxSimilarity[i]);
                if (best < 0 || value > bestValue) { bestValue = value; best = i; }
            }
            taken[best] = true;
            order[p] = best;
            int chosen = rows[best];
            for (int i = 0; i < count; i++)
            {
                if (taken[i]) continue;
                float similarity = chosen >= 0 && rows[i] >= 0 ? TensorPrimitives.Dot(vectors.Slice(chosen * dimension, dimension), vectors.Slice(rows[i] * dimension, dimension)) : 0;
                maxSimilarity[i] = p == 0 ? similarity : Math.Max(maxSimilarity[i], similarity);
            }
        }
        return picked;
    }
}
