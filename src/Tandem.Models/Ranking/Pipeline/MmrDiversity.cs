using Tandem.Retrieval;

namespace Tandem.Models.Ranking;

/// <summary>Diversity by maximal marginal relevance (<see cref="Mmr"/>) over the catalogue's item embeddings. Immutable, so thread-safe.</summary>
/// <param name="vectors">Every catalogue item's embedding, row-major.</param>
/// <param name="dimension">Their width.</param>
public sealed class MmrDiversity(ReadOnlyMemory<float> vectors, int dimension) : IDiversityStage
{
    /// <inheritdoc/>
    public int Select(ReadOnlySpan<float> relevance, ReadOnlySpan<int> rows, int k, float weight, Span<int> order) =>
        Mmr.Select(relevance, rows, k, weight, vectors.Span, dimension, order);
}
