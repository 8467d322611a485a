using System.Buffers;
using System.Numerics.Tensors;

namespace Tandem.Evaluation.Ranking;

/// <summary>
/// Scores users who have several vectors each (multi-interest users) by the best of them:
/// user u is rows <c>u·vectors .. u·vectors + vectors − 1</c> of an inner scorer, and
/// <c>score(u, i) = max_k inner.score(u·vectors + k, i)</c>. Thread-safe as the inner scorer is.
/// </summary>
public sealed class MaxOfVectorsScorer : IScorer
{
    readonly IScorer inner;
    readonly int vectors;

    /// <summary>A scorer over <paramref name="inner"/>'s rows taken <paramref name="vectors"/> at a time.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vectors"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="inner"/>'s users are not whole groups of <paramref name="vectors"/>.</exception>
    public MaxOfVectorsScorer(IScorer inner, int vectors)
    {
        if (vectors < 1) EvaluationThrow.OutOfRange($"vectors is {vectors}; each user has at least one vector.", nameof(vectors), vectors);
        if (inner.UserCount % vectors != 0)
            EvaluationThrow.Argument($"The scorer has {inner.UserCount} user rows, not a whole number of users of {vectors} vectors.", nameof(inner));
        this.inner = inner;
        this.vectors = vectors;
    }

    /// <inheritdoc/>
    public int UserCount => inner.UserCount / vectors;

    /// <inheritdoc/>
    public int ItemCount => inner.ItemCount;

    /// <inheritdoc/>
    public void Score(int firstUser, int userCount, Span<float> scores)
    {
        int n = ItemCount, rows = userCount * vectors;
        float[] all = ArrayPool<float>.Shared.Rent(rows * n);
        try
        {
            inner.Score(firstUser * vectors, rows, all.AsSpan(0, rows * n));
            for (int u = 0; u < userCount; u++)
            {
                var best = scores.Slice(u * n, n);
                all.AsSpan(u * vectors * n, n).CopyTo(best);
                for (int k = 1; k < vectors; k++) TensorPrimitives.Max(best, all.AsSpan((u * vectors + k) * n, n), best);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(all);
        }
    }
}
