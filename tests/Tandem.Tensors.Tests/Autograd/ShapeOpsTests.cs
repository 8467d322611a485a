using Tandem.Tensors.Autograd;
using static Tandem.Tensors.Tests.Autograd.GradCheck;

namespace Tandem.Tensors.Tests.Autograd;

// Tolerances: these ops only move values, so gradients are exact up to float rounding of the
// finite difference itself: rtol 1e-3, atol 1e-4 with h = 1e-2.
public class ShapeOpsTests
{
    [Fact]
    public void ConcatSplitAndColumnsGradientsMatchFiniteDifferences()
    {
        using var a = Leaf(1, [3, 2]);
        using var b = Leaf(2, [3, 4]);
        Check(t => t.Concat(a, b, a), [a, b], rtol: 1e-3, atol: 1e-4);
        Check(t =>
        {
            var parts = t.Split(b, 1, 2, 1);
            return t.Concat(parts[2], parts[0]); // column 1..2 is dropped: its gradient must be 0
        }, [b], rtol: 1e-3, atol: 1e-4);
    }

    [Fact]
    public void ConcatLaysPartsSideBySide()
    {
        using var tape = new Tape();
        // [[1], [2]] beside [[3, 4], [5, 6]] = [[1, 3, 4], [2, 5, 6]]
        var y = tape.Concat(tape.Constant([1, 2], 2, 1), tape.Constant([3, 4, 5, 6], 2, 2));
        Assert.Equal([1f, 3, 4, 2, 5, 6], y.Value.Span.ToArray());
    }

    [Fact]
    public void SliceRowsAndConcatRowsGradientsMatchFiniteDifferences()
    {
        using var a = Leaf(3, [5, 3]);
        using var b = Leaf(4, [2, 3]);
        Check(t => t.SliceRows(a, 1, 3), [a], rtol: 1e-3, atol: 1e-4);
        Check(t => t.ConcatRows(t.SliceRows(a, 3, 2), b, t.SliceRows(a, 0, 2)), [a, b], rtol: 1e-3, atol: 1e-4);
    }

    [Fact]
    public void DenseEmbeddingGradientMatchesFiniteDifferencesWithRepeatedIds()
    {
        using var table = Leaf(5, [6, 3]);
        int[] ids = [4, 0, 4, 2];
        Check(t => t.Embedding(table, ids), [table], rtol: 1e-3, atol: 1e-4);
    }

    [Fact]
    public void SparseEmbeddingGradientMatchesFiniteDifferences()
    {
        using var table = new Parameter("items", Tensor.From(Random(18, 6), 6, 3), sparse: true);
        int[] ids = [1, 5, 1];
        Check(t => t.Multiply(t.Embedding(table, ids), t.Embedding(table, ids)), [table], rtol: 1e-2, atol: 1e-4);
    }

    [Fact]
    public void SparseEmbeddingTouchesOnlyTheBatchRowsAndEqualsTheDenseGradient()
    {
        var values = Random(40 * 4, 7);
        using var sparse = new Parameter("sparse", Tensor.From(values, 40, 4), sparse: true);
        using var dense = new Parameter("dense", Tensor.From(values, 40, 4));
        int[] ids = [7, 3, 7, 31, 0];
        float[] r = Random(5 * 4, 8);
        foreach (var table in new[] { sparse, dense })
        {
            using var tape = new Tape();
            var y = tape.Tanh(tape.Embedding(table, ids));
            tape.Backward(tape.Sum(tape.Multiply(y, tape.Constant(r, 5, 4))));
        }
        Assert.Equal([7, 3, 31, 0], sparse.SparseGrad!.Rows.ToArray());
        Assert.False(sparse.HasGrad); // the dense buffer of a sparse table is never allocated
        var fromSparse = DenseGrad(sparse);
        for (int row = 0; row < 40; row++)
            for (int c = 0; c < 4; c++)
            {
                double expected = dense.Grad[row, c];
                if (!ids.Contains(row)) Assert.Equal(0, expected);
                Assert.Equal(expected, fromSparse[row * 4 + c], 6);
            }
    }

    [Fact]
    public void EmbeddingRejectsAnIdOutsideTheTable()
    {
        using var tape = new Tape();
        using var table = Leaf(9, [4, 2]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => tape.Embedding(table, [1, 4]));
        Assert.Contains("ids[1] = 4", ex.Message);
    }

    [Fact]
    public void BagPoolingGradientsMatchFiniteDifferencesIncludingAnEmptyBag()
    {
        using var x = Leaf(10, [6, 3]);
        int[] offsets = [0, 2, 2, 6]; // bags of 2, 0 and 4 rows
        Check(t => t.BagSum(x, offsets), [x], rtol: 1e-3, atol: 1e-4);
        Check(t => t.BagMean(x, offsets), [x], rtol: 1e-3, atol: 1e-4);
    }

    [Fact]
    public void EmbeddingBagGradientsMatchFiniteDifferencesForDenseAndSparseTables()
    {
        using var dense = Leaf(11, [7, 3]);
        using var sparse = new Parameter("bag", Tensor.From(Random(21, 12), 7, 3), sparse: true);
        int[] ids = [6, 2, 6, 0, 1, 2];
        int[] offsets = [0, 3, 3, 6]; // bags {6, 2, 6}, {}, {0, 1, 2}: a repeated id and an empty bag
        foreach (bool mean in new[] { false, true })
        {
            Check(t => t.EmbeddingBag(dense, ids, offsets, mean), [dense], rtol: 1e-3, atol: 1e-4);
            Check(t => t.Tanh(t.EmbeddingBag(sparse, ids, offsets, mean)), [sparse], rtol: 1e-2, atol: 1e-4);
        }
    }

    [Fact]
    public void EmbeddingBagEqualsEmbeddingThenBagPooling()
    {
        var values = Random(9 * 5, 13);
        int[] ids = [8, 1, 1, 4, 0, 8, 3];
        int[] offsets = [0, 2, 2, 5, 7];
        float[] r = Random(4 * 5, 14);
        foreach (bool mean in new[] { false, true })
        {
            using var fusedTable = new Parameter("fused", Tensor.From(values, 9, 5), sparse: true);
            using var plainTable = new Parameter("plain", Tensor.From(values, 9, 5), sparse: true);
            using var tape = new Tape();
            var fused = tape.EmbeddingBag(fusedTable, ids, offsets, mean);
            var rows = tape.Embedding(plainTable, ids);
            var plain = mean ? tape.BagMean(rows, offsets) : tape.BagSum(rows, offsets);
            for (int i = 0; i < r.Length; i++) Assert.Equal(plain.Value.Span[i], fused.Value.Span[i], 6);
            var weights = tape.Constant(r, 4, 5);
            tape.Backward(tape.Add(tape.Sum(tape.Multiply(fused, weights)), tape.Sum(tape.Multiply(plain, weights))));
            Assert.Equal(plainTable.SparseGrad!.Rows.ToArray().Order(), fusedTable.SparseGrad!.Rows.ToArray().Order());
            var a = DenseGrad(fusedTable);
            var b = DenseGrad(plainTable);
            for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 6);
        }
        using var t2 = new Tape();
        using var table = new Parameter("t", Tensor.From(values, 9, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => t2.EmbeddingBag(table, [9], [0, 1], mean: true));
        Assert.Throws<ArgumentException>(() => t2.EmbeddingBag(table, [1, 2], [0, 1], mean: true));
    }

    [Fact]
    public void BagMeanAveragesEachBagAndGivesZerosForAnEmptyOne()
    {
        using var tape = new Tape();
        // bag 0 = rows {1, 3} → mean 2; bag 1 empty → 0; bag 2 = row {10} → 10
        var y = tape.BagMean(tape.Constant([1, 3, 10], 3, 1), [0, 2, 2, 3]);
        Assert.Equal([2f, 0, 10], y.Value.Span.ToArray());
        Assert.Throws<ArgumentException>(() => tape.BagMean(tape.Constant([1, 3, 10], 3, 1), [0, 2, 1, 3]));
    }
}
