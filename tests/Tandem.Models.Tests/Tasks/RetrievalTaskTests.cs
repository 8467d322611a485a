using Tandem.Models.Tasks;
using Tandem.Tensors;
using Tandem.Tensors.Autograd;

namespace Tandem.Models.Tests.Tasks;

public class RetrievalTaskTests
{
    // Two queries and two candidates on the unit axes: scores [[1, 0], [0, 1]].
    static (Tape, Variable, Variable) Axes(Tape tape) =>
        (tape, tape.Constant([1, 0, 0, 1], 2, 2), tape.Constant([1, 0, 0, 1], 2, 2));

    static CandidateBatch Batch(params int[] items)
    {
        var b = new CandidateBatch();
        b.Reset(items.Length, items.Length);
        items.CopyTo(b.Items, 0);
        return b;
    }

    [Fact]
    public void SoftmaxLossMatchesHandValue()
    {
        using var tape = new Tape();
        var (_, q, c) = Axes(tape);
        var loss = new RetrievalTask(new RetrievalOptions { Temperature = 1 }).Loss(tape, q, c, Batch(1, 2));
        // Each row: -1 + log(e^1 + e^0) = log(1 + e^-1) = 0.3132617.
        Assert.Equal(0.3132617f, loss.Value[0], 5);
    }

    [Fact]
    public void TemperatureDividesScores()
    {
        using var tape = new Tape();
        var (_, q, c) = Axes(tape);
        var loss = new RetrievalTask(new RetrievalOptions { Temperature = 0.5f }).Loss(tape, q, c, Batch(1, 2));
        // Logits [[2, 0], [0, 2]]: log(1 + e^-2) = 0.1269280.
        Assert.Equal(0.1269280f, loss.Value[0], 5);
    }

    [Fact]
    public void LogQCorrectionSubtractsLogOfExpectedCount()
    {
        using var tape = new Tape();
        var (_, q, c) = Axes(tape);
        // Counts: item 1 once, item 2 three times → q = 1/4, 3/4; with B = 2, log(B·q) = log 0.5, log 1.5.
        var logQ = new LogQFromCounts([0, 1, 3]);
        var batch = Batch(1, 2);
        var loss = new RetrievalTask(new RetrievalOptions { Temperature = 1 }, logQ).Loss(tape, q, c, batch);
        Assert.Equal(MathF.Log(0.5f), batch.LogQ[0], 6);
        Assert.Equal(MathF.Log(1.5f), batch.LogQ[1], 6);
        // Row 0 logits [1 - log .5, 0 - log 1.5]: log(1 + e^-(1 + log 3)) = 0.1156710;
        // row 1 logits [0 - log .5, 1 - log 1.5], target 1: log(1 + e^(log 3 - 1)) = 0.7436684; mean 0.4296697.
        Assert.Equal(0.4296697f, loss.Value[0], 5);
    }

    [Fact]
    public void AccidentalHitsAreMaskedOffTheDiagonalOnly()
    {
        var batch = Batch(5, 7, 5, 9);
        new RemoveAccidentalHits().Apply(batch, new float[16]);
        var expected = new bool[16];
        expected[0 * 4 + 2] = true; // row 0's positive (5) is also column 2
        expected[2 * 4 + 0] = true; // and row 2's is column 0
        Assert.Equal(expected, batch.Mask[..16]);
    }

    [Fact]
    public void AccidentalHitsAmongSampledColumnsAreMaskedToo()
    {
        // Rows hold positives 5, 7, 5, 5; sampled columns 4 and 5 hold 7 and 9; the sampled columns are no rows.
        var batch = new CandidateBatch();
        batch.Reset(4, 6);
        int[] items = [5, 7, 5, 5, 7, 9];
        items.CopyTo(batch.Items, 0);
        new RemoveAccidentalHits().Apply(batch, new float[24]);
        var expected = new bool[24];
        foreach (var (r, c) in new[] { (0, 2), (0, 3), (2, 0), (2, 3), (3, 0), (3, 2) }) expected[r * 6 + c] = true; // the three 5s hit each other
        expected[1 * 6 + 4] = true; // row 1's 7 was also sampled as column 4
        Assert.Equal(expected, batch.Mask[..24]);
    }

    [Fact]
    public void MaskedHitDoesNotEnterTheLoss()
    {
        using var tape = new Tape();
        // Rows 0 and 1 share item 4: without the mask each row's other column would be a negative.
        var q = tape.Constant([1, 0, 0, 1], 2, 2);
        var c = tape.Constant([1, 0, 0, 1], 2, 2);
        var loss = new RetrievalTask(new RetrievalOptions { Temperature = 1 }, new RemoveAccidentalHits()).Loss(tape, q, c, Batch(4, 4));
        // Only the positive remains in each row: -1 + log e^1 = 0.
        Assert.Equal(0f, loss.Value[0], 6);
    }

    [Fact]
    public void SymmetricAveragesBothDirections()
    {
        using var tape = new Tape();
        // Queries [[1,0],[1,0]], candidates [[1,0],[0,1]]: scores [[1,0],[1,0]].
        var q = tape.Constant([1, 0, 1, 0], 2, 2);
        var c = tape.Constant([1, 0, 0, 1], 2, 2);
        var loss = new RetrievalTask(new RetrievalOptions { Temperature = 1, Symmetric = true }).Loss(tape, q, c, Batch(1, 2));
        // Query→candidate: row 0 log(1 + e^-1) = 0.3132617, row 1 (target score 0, other 1) log(1 + e^1) = 1.3132617; mean 0.8132617.
        // Candidate→query: scores transposed [[1,1],[0,0]]: each row log 2 = 0.6931472; mean 0.6931472.
        // Average: 0.7532044.
        Assert.Equal(0.7532044f, loss.Value[0], 5);
    }

    [Fact]
    public void HardNegativesKeepTheTopScoringNegatives()
    {
        var batch = Batch(1, 2, 3, 4);
        // Row 0's negatives score 0.1, 0.9, 0.5: keeping one keeps column 2.
        float[] scores = [1, 0.1f, 0.9f, 0.5f, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
        new HardNegatives(1).Apply(batch, scores);
        Assert.Equal([false, true, false, true], batch.Mask[..4]);
    }

    [Fact]
    public void ExampleWeightsWeighRows()
    {
        using var tape = new Tape();
        var q = tape.Constant([1, 0, 1, 0], 2, 2);
        var c = tape.Constant([1, 0, 0, 1], 2, 2);
        var batch = Batch(1, 2);
        batch.Weights[0] = 2;
        batch.Weights[1] = 0;
        var loss = new RetrievalTask(new RetrievalOptions { Temperature = 1 }).Loss(tape, q, c, batch);
        // (2·log(1 + e^-1) + 0·log(1 + e^1)) / 2 = 0.3132617.
        Assert.Equal(0.3132617f, loss.Value[0], 5);
    }

    [Fact]
    public void StreamingEstimateApproachesTheTrueRate()
    {
        var est = new StreamingLogQ(1024, alpha: 0.05f);
        // Item 3 appears every 4th step, item 8 every step.
        for (long step = 0; step < 2000; step++)
        {
            if (step % 4 == 0) est.Update(3, step);
            est.Update(8, step);
        }
        Assert.Equal(0.25f, est.Probability(3), 2);
        Assert.Equal(1f, est.Probability(8), 3);
    }

    [Fact]
    public void CatalogueTargetsPickEachRowsColumn()
    {
        using var tape = new Tape();
        // Two queries on the unit axes against three catalogue items: scores [[1, 0, 0], [0, 1, 0]].
        var q = tape.Constant([1, 0, 0, 1], 2, 2);
        var c = tape.Constant([1, 0, 0, 1, 0, 0], 3, 2);
        var batch = new CandidateBatch();
        batch.Reset(2, 3, inBatch: false);
        batch.Targets[0] = 2; // row 0's item is column 2 (score 0), row 1's column 1 (score 1)
        batch.Targets[1] = 1;
        var loss = new RetrievalTask(new RetrievalOptions { Temperature = 1 }).Loss(tape, q, c, batch);
        // Row 0: -0 + log(e + 2) = 1.5514; row 1: -1 + log(e + 2) = 0.5514; mean 1.0514.
        Assert.Equal(MathF.Log(MathF.E + 2) - 0.5f, loss.Value[0], 5);
    }
}
