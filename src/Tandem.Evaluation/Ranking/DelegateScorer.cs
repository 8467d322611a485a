namespace Tandem.Evaluation.Ranking;

/// <summary>Writes the score of every catalogue item for <paramref name="user"/> into <paramref name="scores"/> (one per item).</summary>
public delegate void ScoreUser(int user, Span<float> scores);

/// <summary>
/// A scorer from any function of the user, one row at a time: for models that are not a plain inner
/// product, or for tests. Thread safety: the function is called from several threads at once
/// (on different users) and must allow that.
/// </summary>
public sealed class DelegateScorer(int userCount, int itemCount, ScoreUser scoreUser) : IScorer
{
    /// <inheritdoc/>
    public int UserCount { get; } = userCount >= 0 ? userCount : throw new ArgumentOutOfRangeException(nameof(userCount), userCount, $"userCount is {userCount}; it cannot be negative.");

    /// <inheritdoc/>
    public int ItemCount { get; } = itemCount >= 0 ? itemCount : throw new ArgumentOutOfRangeException(nameof(itemCount), itemCount, $"itemCount is {itemCount}; it cannot be negative.");

    /// <inheritdoc/>
    public void Score(int firstUser, int userCount, Span<float> scores)
    {
        for (int u = 0; u < userCount; u++) scoreUser(firstUser + u, scores.Slice(u * ItemCount, ItemCount));
    }
}
