using Tandem.Tensors;
using Tandem.Tensors.Kernels;

namespace Tandem.Evaluation.Ranking;

/// <summary>
/// Scores by inner product of user and item embeddings, as a two-tower model retrieves:
/// <c>score(u, i) = Σ_d users[u, d] · items[i, d]</c>, one <see cref="Gemm"/> product (with B transposed)
/// per block of users. The embeddings are read, never copied: keep them alive and unchanged while
/// the scorer is in use. Thread safety: concurrent <see cref="Score"/> calls are safe.
/// </summary>
public sealed class EmbeddingScorer : IScorer
{
    readonly ReadOnlyMemory<float> users;
    readonly ReadOnlyMemory<float> items;

    /// <summary>A scorer over row-major <c>UserCount × dimension</c> user and <c>ItemCount × dimension</c> item embeddings.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An embedding buffer is not a whole number of rows of <paramref name="dimension"/> values.</exception>
    public EmbeddingScorer(ReadOnlyMemory<float> users, ReadOnlyMemory<float> items, int dimension)
    {
        if (dimension < 1)
            EvaluationThrow.OutOfRange($"dimension is {dimension}; embeddings need at least one dimension.", nameof(dimension), dimension);
        if (users.Length % dimension != 0)
            EvaluationThrow.Argument($"The user embeddings hold {users.Length} values, not a whole number of rows of {dimension}.", nameof(users));
        if (items.Length % dimension != 0)
            EvaluationThrow.Argument($"The item embeddings hold {items.Length} values, not a whole number of rows of {dimension}.", nameof(items));
        this.users = users;
        this.items = items;
        Dimension = dimension;
        UserCount = users.Length / dimension;
        ItemCount = items.Length / dimension;
    }

    /// <summary>A scorer over a <c>U × d</c> user tensor and an <c>I × d</c> item tensor (views are fine).</summary>
    /// <exception cref="ArgumentException">A tensor is not a matrix, or their widths differ.</exception>
    public EmbeddingScorer(Tensor users, Tensor items)
        : this(users.Buffer.AsMemory(users.Offset, users.Length), items.Buffer.AsMemory(items.Offset, items.Length), Width(users, items))
    {
    }

    /// <summary>Embedding width d.</summary>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int UserCount { get; }

    /// <inheritdoc/>
    public int ItemCount { get; }

    /// <inheritdoc/>
    public void Score(int firstUser, int userCount, Span<float> scores) =>
        Gemm.Multiply(users.Span.Slice(firstUser * Dimension, userCount * Dimension), items.Span, scores[..(userCount * ItemCount)],
            userCount, ItemCount, Dimension, transB: true);

    static int Width(Tensor users, Tensor items)
    {
        if (users.Rank != 2 || items.Rank != 2 || users.Shape[1] != items.Shape[1] || users.Shape[1] == 0)
            EvaluationThrow.Argument($"Embeddings must be matrices of one non-zero width, got users {users} and items {items}.", nameof(items));
        return users.Shape[1];
    }
}
