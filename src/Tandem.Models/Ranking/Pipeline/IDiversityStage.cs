namespace Tandem.Models.Ranking;

/// <summary>The last stage of a <see cref="TwoStagePipeline"/>: which K of the ranked candidates to show, in which order.</summary>
public interface IDiversityStage
{
    /// <summary>
    /// Writes to <paramref name="order"/> the positions of the picks among candidates of
    /// <paramref name="relevance"/> and catalogue rows <paramref name="rows"/> (-1: outside the catalogue),
    /// <paramref name="weight"/> trading relevance (0) for diversity (1); returns how many were picked, at most <paramref name="k"/>.
    /// </summary>
    int Select(ReadOnlySpan<float> relevance, ReadOnlySpan<int> rows, int k, float weight, Span<int> order);
}
