namespace Tandem.Evaluation.Ranking;

/// <summary>
/// Anything that scores every catalogue item for a user: a two-tower model through its embeddings
/// (<see cref="EmbeddingScorer"/>), a non-personalised baseline (<see cref="MostPopularScorer"/>), or any
/// function of the user (<see cref="DelegateScorer"/>). Higher scores rank first. The evaluator asks for
/// blocks of consecutive users so that embedding scorers can use one matrix product per block.
/// </summary>
public interface IScorer
{
    /// <summary>Number of users (ids 0 .. UserCount − 1).</summary>
    int UserCount { get; }

    /// <summary>Number of catalogue items (ids 0 .. ItemCount − 1).</summary>
    int ItemCount { get; }

    /// <summary>
    /// Writes the scores of users <paramref name="firstUser"/> .. <paramref name="firstUser"/> + <paramref name="userCount"/> − 1
    /// into <paramref name="scores"/>, row-major <c>userCount × ItemCount</c>: <c>scores[u·ItemCount + i]</c> is the score of
    /// item i for user <c>firstUser + u</c>. Scores must not be NaN. Thread safety: the evaluator calls this from several
    /// threads at once on disjoint user ranges.
    /// </summary>
    void Score(int firstUser, int userCount, Span<float> scores);
}
