using Tandem.Retrieval;

namespace Tandem.Models.Ranking;

/// <summary>The first stage of a <see cref="TwoStagePipeline"/>: a query's best candidates among the items the business rules allow.</summary>
public interface IRetrievalStage
{
    /// <summary>
    /// Writes the best candidates for <paramref name="query"/> that <paramref name="rules"/> allow (null: all),
    /// best first, as catalogue rows (-1 for an item outside the catalogue) and scores, up to
    /// <paramref name="rows"/>' length; returns how many were found. Must be safe to call from several threads.
    /// </summary>
    int Retrieve(ReadOnlySpan<float> query, IdFilter? rules, Span<int> rows, Span<float> scores);
}
