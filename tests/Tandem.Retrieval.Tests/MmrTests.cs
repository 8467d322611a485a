namespace Tandem.Retrieval.Tests;

public class MmrTests
{
    // Three 2-d items: a = (1, 0), b = (0.9, 0.1) close to a, c = (0, 1) far from both.
    static readonly float[] Vectors = [1, 0, 0.9f, 0.1f, 0, 1];

    [Fact]
    public void WithoutWeightTheOrderIsRelevance()
    {
        var order = new int[3];
        Assert.Equal(3, Mmr.Select([0.5f, 0.9f, 0.7f], [0, 1, 2], 3, 0, Vectors, 2, order));
        Assert.Equal([1, 2, 0], order);
    }

    [Fact]
    public void ThePenaltyIsTheLargestSimilarityToThePicks()
    {
        // λ = 0.5, relevance a 0.9, b 0.8, c 0.5. First pick a (relevance alone).
        // Then b: 0.5·0.8 − 0.5·⟨a, b⟩ = 0.4 − 0.45 = −0.05; c: 0.5·0.5 − 0.5·0 = 0.25: c is second, b last.
        var order = new int[3];
        Assert.Equal(3, Mmr.Select([0.9f, 0.8f, 0.5f], [0, 1, 2], 3, 0.5f, Vectors, 2, order));
        Assert.Equal([0, 2, 1], order);
    }

    [Fact]
    public void ACandidateWithoutAnEmbeddingIsSimilarToNothingAndKBoundsThePicks()
    {
        // The second candidate has no row (-1): never penalised, so it beats b after a.
        var order = new int[2];
        Assert.Equal(2, Mmr.Select([0.9f, 0.1f, 0.8f], [0, -1, 1], 2, 0.5f, Vectors, 2, order));
        // After a: "-1" scores 0.5·0.1 = 0.05, b scores 0.4 − 0.45 = −0.05.
        Assert.Equal([0, 1], order);
        Assert.Throws<ArgumentException>(() => Mmr.Select([0.9f], [0, 1], 1, 0.5f, Vectors, 2, order));
    }
}
