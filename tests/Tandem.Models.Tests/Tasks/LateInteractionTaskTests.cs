using Tandem.Models.Tasks;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Tasks;

public class LateInteractionTaskTests
{
    static CandidateBatch Batch(params int[] items)
    {
        var b = new CandidateBatch();
        b.Reset(items.Length, items.Length);
        items.CopyTo(b.Items, 0);
        return b;
    }

    static RetrievalTask Softmax(params ILogitsTweak[] tweaks) => new(new RetrievalOptions { Temperature = 0.5f }, tweaks);

    [Theory]
    [InlineData(SumOver.Query)]
    [InlineData(SumOver.Candidate)]
    public void OneVectorEachIsTheRetrievalTask(SumOver side)
    {
        float[] q = [0.6f, 0.8f, 1, 0, 0, -1], c = [0.8f, 0.6f, 0, 1, -0.6f, 0.8f];
        using var tape = new Tape();
        var expected = Softmax(new RemoveAccidentalHits()).Loss(tape, tape.Constant(q, 3, 2), tape.Constant(c, 3, 2), Batch(4, 5, 4));
        var actual = new LateInteractionTask(Softmax(new RemoveAccidentalHits()), side).Loss(tape, tape.Constant(q, 3, 2), tape.Constant(c, 3, 2), Batch(4, 5, 4));
        Assert.Equal(expected.Value[0], actual.Value[0], 6);
    }

    [Fact]
    public void MultiInterestScoresAnItemByItsClosestInterest()
    {
        // User 0's interests are the two axes, user 1's their negatives; items are the axes.
        float[] users = [1, 0, 0, 1, -1, 0, 0, -1], items = [1, 0, 0, 1];
        using var tape = new Tape();
        var batch = Batch(1, 2);
        var loss = new LateInteractionTask(new RetrievalTask(new RetrievalOptions { Temperature = 1 }), SumOver.Candidate)
            .Loss(tape, tape.Constant(users, 4, 2), tape.Constant(items, 2, 2), batch);
        // Scores: user 0 [1, 1] (either interest matches either item), user 1 [0, 0]; every row's loss is log 2.
        Assert.Equal(MathF.Log(2), loss.Value[0], 5);
    }

    [Fact]
    public void ColbertCountsMaskPaddingVectors()
    {
        // Two queries of two vectors, two candidates of two; query 1's second vector and each candidate's second are padding.
        float[] q = [1, 0, 0, 1, 1, 0, 9, -9], c = [1, 0, 5, 5, 0, 1, 5, -5];
        using var tape = new Tape();
        var batch = Batch(1, 2);
        batch.QueryCounts = [2, 1];
        batch.CandidateCounts = [1, 1];
        var loss = new LateInteractionTask(new RetrievalTask(new RetrievalOptions { Temperature = 1 })).Loss(tape, tape.Constant(q, 4, 2), tape.Constant(c, 4, 2), batch);
        // Scores: query 0 [1 + 0, 0 + 1] = [1, 1] → log 2; query 1 [1, 0], its positive the second → log(1 + e).
        Assert.Equal((MathF.Log(2) + MathF.Log(1 + MathF.E)) / 2, loss.Value[0], 5);
    }

    [Fact]
    public void SymmetricAndRaggedInputsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new LateInteractionTask(new RetrievalTask(new RetrievalOptions { Symmetric = true })));
        using var tape = new Tape();
        var e = Assert.Throws<ModelException>(() => new LateInteractionTask(Softmax()).Loss(tape, tape.Constant(new float[6], 3, 2), tape.Constant(new float[4], 2, 2), Batch(1, 2)));
        Assert.Contains("not 2 whole sets", e.Message);
    }
}
