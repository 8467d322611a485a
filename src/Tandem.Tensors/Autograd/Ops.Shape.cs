using System.Buffers;
using System.Numerics.Tensors;
using K = Tandem.Tensors.Kernels.Kernels;

namespace Tandem.Tensors.Autograd;

public static partial class Ops
{
    /// <summary>Joins matrices side by side: every part has the same rows, the result's columns are theirs in order.</summary>
    /// <exception cref="ArgumentException">No parts, or their row counts differ.</exception>
    public static Variable Concat(this Tape tape, params Variable[] parts)
    {
        if (parts.Length == 0) AutogradThrow.Shape(nameof(Concat), "needs at least one part.");
        parts = (Variable[])parts.Clone(); // the backward outlives the caller's array
        int rows = parts[0].Rows, cols = 0;
        bool grad = false;
        foreach (var p in parts)
        {
            if (p.Rows != rows) AutogradThrow.Shape(nameof(Concat), $"parts have {rows} and {p.Rows} rows; all need the same.");
            cols += p.Cols;
            grad |= p.RequiresGrad;
        }
        var y = tape.Output(Tensor.Empty(rows, cols), grad);
        for (int start = 0, i = 0; i < parts.Length; start += parts[i].Cols, i++)
            CopyColumns(parts[i].Value.Span, parts[i].Cols, y.Value.Span, cols, start);
        tape.Record(y, () =>
        {
            for (int start = 0, i = 0; i < parts.Length; start += parts[i].Cols, i++)
            {
                if (!parts[i].RequiresGrad) continue;
                using var dp = new GradSink(parts[i]);
                for (int r = 0; r < rows; r++)
                    y.Grad.Span.Slice(r * cols + start, parts[i].Cols).CopyTo(dp.Span.Slice(r * parts[i].Cols, parts[i].Cols));
            }
        });
        return y;
    }

    /// <summary>Stacks parts vertically: every part has the same trailing shape, rows add up.</summary>
    /// <exception cref="ArgumentException">No parts, or their trailing shapes differ.</exception>
    public static Variable ConcatRows(this Tape tape, params Variable[] parts)
    {
        if (parts.Length == 0) AutogradThrow.Shape(nameof(ConcatRows), "needs at least one part.");
        parts = (Variable[])parts.Clone(); // the backward outlives the caller's array
        var shape = parts[0].Value.Shape.ToArray();
        int rows = 0;
        bool grad = false;
        foreach (var p in parts)
        {
            if (p.Value.Rank != shape.Length || !p.Value.Shape[1..].SequenceEqual(shape.AsSpan(1)))
                AutogradThrow.Shape(nameof(ConcatRows), $"parts {parts[0].Value} and {p.Value} differ beyond the first dimension.");
            rows += p.Rows;
            grad |= p.RequiresGrad;
        }
        shape[0] = rows;
        var y = tape.Output(Tensor.Empty(shape), grad);
        for (int at = 0, i = 0; i < parts.Length; at += parts[i].Value.Length, i++)
            parts[i].Value.Span.CopyTo(y.Value.Span[at..]);
        tape.Record(y, () =>
        {
            for (int at = 0, i = 0; i < parts.Length; at += parts[i].Value.Length, i++)
            {
                if (!parts[i].RequiresGrad) continue;
                using var dp = new GradSink(parts[i]);
                y.Grad.Span.Slice(at, dp.Span.Length).CopyTo(dp.Span);
            }
        });
        return y;
    }

    /// <summary>Columns <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of a matrix, copied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the columns.</exception>
    public static Variable Columns(this Tape tape, Variable x, int start, int count)
    {
        int cols = x.Cols, rows = x.Rows;
        if (start < 0 || count < 0 || start + count > cols)
            AutogradThrow.Value(nameof(Columns), nameof(count), $"columns {start}..{start + count} are outside {x.Value}.");
        var y = tape.Output(Tensor.Empty(rows, count), x.RequiresGrad);
        for (int r = 0; r < rows; r++) x.Value.Span.Slice(r * cols + start, count).CopyTo(y.Value.Span.Slice(r * count, count));
        tape.Record(y, () =>
        {
            var dx = x.Grad.Span; // zero-filled on first use; only this block is touched
            for (int r = 0; r < rows; r++)
            {
                var block = dx.Slice(r * cols + start, count);
                K.Add(block, y.Grad.Span.Slice(r * count, count), block);
            }
        });
        return y;
    }

    /// <summary>Splits a matrix's columns into consecutive parts of the given widths, the inverse of <see cref="Concat"/>.</summary>
    /// <exception cref="ArgumentException">The widths do not add up to the columns.</exception>
    public static Variable[] Split(this Tape tape, Variable x, params int[] widths)
    {
        if (widths.Sum() != x.Cols) AutogradThrow.Shape(nameof(Split), $"widths [{string.Join(", ", widths)}] do not add up to the {x.Cols} columns of {x.Value}.");
        var parts = new Variable[widths.Length];
        for (int start = 0, i = 0; i < widths.Length; start += widths[i], i++) parts[i] = tape.Columns(x, start, widths[i]);
        return parts;
    }

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>, as a view sharing the buffer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the rows.</exception>
    public static Variable SliceRows(this Tape tape, Variable x, int start, int count)
    {
        var y = tape.Output(x.Value.Slice(start, count), x.RequiresGrad);
        tape.Record(y, () =>
        {
            var dx = x.Grad.Span.Slice(start * x.Cols, y.Value.Length);
            K.Add(dx, y.Grad.Span, dx);
        });
        return y;
    }

    /// <summary>The transpose of a matrix: [n, m] from [m, n].</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a matrix.</exception>
    public static Variable Transpose(this Tape tape, Variable x)
    {
        if (x.Value.Rank != 2) AutogradThrow.Shape(nameof(Transpose), $"needs a matrix, got {x.Value}.");
        return tape.Reshape(tape.SwapLast(tape.Reshape(x, 1, x.Rows, x.Cols)), x.Cols, x.Rows);
    }

    /// <summary>
    /// Embedding lookup: row i of the result is row <c>ids[i]</c> of <paramref name="table"/>
    /// (any variable; rows may repeat). A sparse <see cref="Parameter"/> receives its gradient
    /// in <see cref="Parameter.SparseGrad"/>, touching only these rows; any other table
    /// receives it densely in <see cref="Variable.Grad"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the table's rows.</exception>
    public static Variable Embedding(this Tape tape, Variable table, ReadOnlySpan<int> ids)
    {
        int rows = table.Rows, cols = table.Cols;
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)rows) AutogradThrow.Index(nameof(Embedding), nameof(ids), i, ids[i], rows);
        var y = tape.Output(Tensor.Empty(ids.Length, cols), table.RequiresGrad);
        K.GatherRows(table.Value.Span, cols, ids, y.Value.Span);
        if (!y.RequiresGrad) return y;
        var saved = tape.Save(ids);
        tape.Record(y, () =>
        {
            var dy = y.Grad.Span;
            var rowIds = saved.Span;
            if (table is Parameter { SparseGrad: { } sparse })
                for (int i = 0; i < rowIds.Length; i++) sparse.Accumulate(rowIds[i], dy.Slice(i * cols, cols));
            else K.ScatterAddRows(dy, cols, rowIds, table.Grad.Span);
        });
        return y;
    }

    /// <summary>
    /// Sums bags of rows: bag b is rows <c>offsets[b]</c> to <c>offsets[b+1]</c> of
    /// <paramref name="x"/>, so <paramref name="offsets"/> holds bags + 1 non-decreasing values
    /// from 0 to <c>x.Rows</c>. An empty bag gives a zero row.
    /// </summary>
    /// <exception cref="ArgumentException">The offsets are not as described.</exception>
    public static Variable BagSum(this Tape tape, Variable x, ReadOnlySpan<int> offsets) => Bag(tape, x, offsets, mean: false);

    /// <summary>Averages bags of rows, laid out as in <see cref="BagSum"/>; an empty bag gives a zero row.</summary>
    /// <exception cref="ArgumentException">The offsets are not as described in <see cref="BagSum"/>.</exception>
    public static Variable BagMean(this Tape tape, Variable x, ReadOnlySpan<int> offsets) => Bag(tape, x, offsets, mean: true);

    /// <summary>
    /// Embedding bags in one pass, without the [ids, cols] intermediate: bag b of the result is the
    /// sum (or, with <paramref name="mean"/>, the mean) of rows <c>ids[offsets[b]..offsets[b+1])</c>
    /// of <paramref name="table"/>; an empty bag gives a zero row. Equals <see cref="Embedding"/>
    /// followed by <see cref="BagSum"/> or <see cref="BagMean"/>, gradients included (sparse for a
    /// sparse <see cref="Parameter"/>), at a fraction of the memory traffic (PyTorch's EmbeddingBag).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the table's rows.</exception>
    /// <exception cref="ArgumentException">The offsets do not run non-decreasing from 0 to the number of ids.</exception>
    public static Variable EmbeddingBag(this Tape tape, Variable table, ReadOnlySpan<int> ids, ReadOnlySpan<int> offsets, bool mean)
    {
        int rows = table.Rows, cols = table.Cols;
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)rows) AutogradThrow.Index(nameof(EmbeddingBag), nameof(ids), i, ids[i], rows);
        CheckOffsets(nameof(EmbeddingBag), offsets, ids.Length, "ids");
        int bags = offsets.Length - 1;
        var y = tape.Output(Tensor.Empty(bags, cols), table.RequiresGrad);
        K.EmbeddingBag(table.Value.Span, cols, ids, offsets, mean, y.Value.Span);
        if (!y.RequiresGrad) return y;
        var savedIds = tape.Save(ids);
        var savedOffsets = tape.Save(offsets);
        tape.Record(y, () =>
        {
            // d table[ids[j]] += s_b · dy[b] for each j of bag b, s_b = 1 (sum) or 1/|bag| (mean).
            var id = savedIds.Span;
            if ((table as Parameter)?.SparseGrad is not { } sparse)
            {
                K.EmbeddingBagBackward(y.Grad.Span, cols, savedOffsets.Span, id, mean, table.Grad.Span);
                return;
            }
            // Every slot is created first (creating one may move the values), then filled.
            int[] slots = ArrayPool<int>.Shared.Rent(id.Length);
            for (int j = 0; j < id.Length; j++) slots[j] = sparse.SlotOf(id[j]);
            K.EmbeddingBagBackward(y.Grad.Span, cols, savedOffsets.Span, slots.AsSpan(0, id.Length), mean, sparse.AllValues);
            ArrayPool<int>.Shared.Return(slots);
        });
        return y;
    }

    static void CheckOffsets(string op, ReadOnlySpan<int> offsets, int total, string what)
    {
        if (offsets.Length < 1 || offsets[0] != 0 || offsets[^1] != total)
            AutogradThrow.Shape(op, $"offsets must run from 0 to the {total} {what}.");
        for (int b = 0; b + 1 < offsets.Length; b++)
            if (offsets[b + 1] < offsets[b]) AutogradThrow.Shape(op, $"offsets[{b + 1}] = {offsets[b + 1]} is below offsets[{b}] = {offsets[b]}.");
    }

    static Variable Bag(Tape tape, Variable x, ReadOnlySpan<int> offsets, bool mean)
    {
        CheckOffsets(mean ? nameof(BagMean) : nameof(BagSum), offsets, x.Rows, $"rows of {x.Value}");
        int cols = x.Cols;
        var y = tape.Output(Tensor.Empty(offsets.Length - 1, cols), x.RequiresGrad);
        if (mean) K.SegmentMean(x.Value.Span, cols, offsets, y.Value.Span);
        else K.SegmentSum(x.Value.Span, cols, offsets, y.Value.Span);
        if (!y.RequiresGrad) return y;
        var saved = tape.Save(offsets);
        tape.Record(y, () =>
        {
            using var dx = new GradSink(x);
            if (mean) K.SegmentMeanBackward(y.Grad.Span, cols, saved.Span, dx.Span);
            else K.SegmentSumBackward(y.Grad.Span, cols, saved.Span, dx.Span);
        });
        return y;
    }

    static void CopyColumns(ReadOnlySpan<float> src, int srcCols, Span<float> dst, int dstCols, int start)
    {
        for (int r = 0; r * srcCols < src.Length; r++) src.Slice(r * srcCols, srcCols).CopyTo(dst.Slice(r * dstCols + start, srcCols));
    }
}
