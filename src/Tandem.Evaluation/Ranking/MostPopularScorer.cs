namespace Tandem.Evaluation.Ranking;

/// <summary>
/// The most-popular baseline: every user gets the same scores, each item's training popularity,
/// so it ranks the catalogue by popularity (ties by lower item id, as everywhere). A personalised
/// model must beat it. Thread safety: concurrent <see cref="Score"/> calls are safe.
/// </summary>
public sealed class MostPopularScorer : IScorer
{
    readonly float[] popularity;

    /// <summary>A scorer giving each of <paramref name="userCount"/> users the scores <paramref name="popularity"/> (one per item).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="userCount"/> is negative.</exception>
    /// <exception cref="ArgumentException">A popularity is NaN.</exception>
    public MostPopularScorer(ReadOnlySpan<float> popularity, int userCount)
    {
        if (userCount < 0) EvaluationThrow.OutOfRange($"userCount is {userCount}; it cannot be negative.", nameof(userCount), userCount);
        for (int i = 0; i < popularity.Length; i++)
            if (float.IsNaN(popularity[i])) EvaluationThrow.Argument($"popularity[{i}] is NaN; every item needs a number.", nameof(popularity));
        this.popularity = popularity.ToArray();
        UserCount = userCount;
    }

    /// <summary>Popularity = the number of users whose training set holds the item.</summary>
    public static MostPopularScorer FromTraining(UserItemSets training)
    {
        var counts = new float[training.ItemCount];
        for (int u = 0; u < training.UserCount; u++)
            foreach (int item in training[u]) counts[item]++;
        return new MostPopularScorer(counts, training.UserCount);
    }

    /// <summary>The score of each item, the same for every user.</summary>
    public ReadOnlySpan<float> Popularity => popularity;

    /// <inheritdoc/>
    public int UserCount { get; }

    /// <inheritdoc/>
    public int ItemCount => popularity.Length;

    /// <inheritdoc/>
    public void Score(int firstUser, int userCount, Span<float> scores)
    {
        for (int u = 0; u < userCount; u++) popularity.CopyTo(scores.Slice(u * popularity.Length, popularity.Length));
    }
}
