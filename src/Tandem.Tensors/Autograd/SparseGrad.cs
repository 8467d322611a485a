namespace Tandem.Tensors.Autograd;

/// <summary>
/// The gradient of an embedding table as the set of rows a batch touched. Accumulating the
/// same row twice sums into one slot; <see cref="Clear"/> costs the number of touched rows,
/// not the table size, so a step over a million-row table stays cheap.
/// </summary>
public sealed class SparseGrad : IDisposable
{
    readonly int[] slotOfRow;
    int[] rows;
    float[] values;

    /// <summary>A gradient for a table of <paramref name="tableRows"/> rows of <paramref name="cols"/> values.</summary>
    public SparseGrad(int tableRows, int cols)
    {
        Cols = cols;
        slotOfRow = new int[tableRows];
        Array.Fill(slotOfRow, -1);
        rows = new int[16];
        values = TensorPool.Rent(16 * cols);
    }

    /// <summary>Values per row.</summary>
    public int Cols { get; }

    /// <summary>Number of distinct rows touched since the last <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    /// <summary>The touched table rows, in the order first touched; slot i holds row <c>Rows[i]</c>.</summary>
    public ReadOnlySpan<int> Rows => rows.AsSpan(0, Count);

    /// <summary>The gradient of slot <paramref name="slot"/>.</summary>
    public Span<float> Values(int slot) => values.AsSpan(slot * Cols, Cols);

    /// <summary>The slot accumulating table row <paramref name="row"/>, created zeroed if new.</summary>
    public Span<float> Slot(int row)
    {
        int slot = SlotOf(row); // first: creating the slot may replace the values array
        return values.AsSpan(slot * Cols, Cols);
    }

    /// <summary>The index of the slot accumulating table row <paramref name="row"/>, created zeroed if new.</summary>
    internal int SlotOf(int row)
    {
        int slot = slotOfRow[row];
        if (slot < 0)
        {
            if (Count == rows.Length) Grow();
            slot = Count++;
            rows[slot] = row;
            slotOfRow[row] = slot;
            values.AsSpan(slot * Cols, Cols).Clear();
        }
        return slot;
    }

    /// <summary>Every slot's values, slot after slot; valid until a new slot is created.</summary>
    internal Span<float> AllValues => values.AsSpan(0, Count * Cols);

    /// <summary>Adds <paramref name="gradient"/> into table row <paramref name="row"/>.</summary>
    public void Accumulate(int row, ReadOnlySpan<float> gradient)
    {
        var slot = Slot(row);
        System.Numerics.Tensors.TensorPrimitives.Add(slot, gradient, slot);
    }

    /// <summary>Forgets every touched row.</summary>
    public void Clear()
    {
        foreach (int row in Rows) slotOfRow[row] = -1;
        Count = 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        TensorPool.Return(values);
        values = [];
    }

    void Grow()
    {
        Array.Resize(ref rows, rows.Length * 2);
        var bigger = TensorPool.Rent(rows.Length * Cols);
        values.AsSpan(0, Count * Cols).CopyTo(bigger);
        TensorPool.Return(values);
        values = bigger;
    }
}
