using System.Numerics.Tensors;
using Tandem.Serving.Catalogs;

namespace Tandem.Serving;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein 1998): picks, one at a time, the candidate
/// maximising <c>(1 − λ)·score − λ·max similarity to those already picked</c>, similarity being the
/// inner product of catalogue embeddings (0 for items without one).
/// </summary>
static class Mmr
{
    /// <summary>
    /// Reorders the first <paramref name="count"/> candidates (index ids, scores and catalogue rows,
    /// -1 for items outside the catalogue) so that the first <paramref name="k"/> are the MMR picks;
    /// returns how many were picked.
    /// </summary>
    public static int Select(Span<long> ids, Span<float> scores, Span<int> rows, int count, int k, float lambda, ItemCatalog catalog)
    {
        int picked = Math.Min(k, count);
        var maxSimilarity = new float[count];
        Array.Fill(maxSimilarity, float.NegativeInfinity);
        for (int p = 0; p < picked; p++)
        {
            int best = p;
            float bestValue = float.NegativeInfinity;
            for (int i = p; i < count; i++)
            {
                // Before the first pick nothing is similar: rank by score alone.
                float penalty = p == 0 ? 0 : maxSimilarity[i];
                float value = (1 - lambda) * scores[i] - lambda * penalty;
                if (value > bestValue) { bestValue = value; best = i; }
            }
            (ids[p], ids[best]) = (ids[best], ids[p]);
            (scores[p], scores[best]) = (scores[best], scores[p]);
            (rows[p], rows[best]) = (rows[best], rows[p]);
            (maxSimilarity[p], maxSimilarity[best]) = (maxSimilarity[best], maxSimilarity[p]);
            int chosen = rows[p];
            for (int i = p + 1; i < count; i++)
            {
                float similarity = chosen >= 0 && rows[i] >= 0 ? TensorPrimitives.Dot(catalog.Vector(chosen), catalog.Vector(rows[i])) : 0;
                maxSimilarity[i] = Math.Max(maxSimilarity[i], similarity);
            }
        }
        return picked;
    }
}
