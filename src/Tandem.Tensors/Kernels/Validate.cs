namespace Tandem.Tensors.Kernels;

/// <summary>Entry checks shared by the kernel drivers; each throws through <see cref="KernelThrow"/>.</summary>
internal static class Validate
{
    /// <summary>Checks <paramref name="cols"/> &gt; 0 and that x holds whole rows; returns the row count.</summary>
    public static int Rows(int length, int cols, string param = "x", string colsParam = "cols")
    {
        if (cols <= 0) KernelThrow.ColsNotPositive(colsParam, cols);
        if (length % cols != 0) KernelThrow.NotWholeRows(param, length, cols);
        return length / cols;
    }

    /// <summary>Checks that a span holds whole rows of <paramref name="width"/> values, at least <paramref name="count"/> of them; the rest are padding.</summary>
    public static void Counted(int length, int count, int width, string param, string countParam)
    {
        int rows = Rows(length, width, param, "width");
        if ((uint)count > (uint)rows) KernelThrow.CountOverRows(countParam, count, param, rows, width);
    }

    /// <summary>Checks that a span holds exactly <paramref name="expected"/> values.</summary>
    public static void Length(int actual, long expected, string param, string meaning)
    {
        if (actual != expected) KernelThrow.Length(param, actual, expected, meaning);
    }

    /// <summary>Checks that <paramref name="param"/> holds one value per value of <paramref name="other"/>; the message is built only on failure.</summary>
    public static void SameLength(int actual, int expected, string param, string other)
    {
        if (actual != expected) KernelThrow.Length(param, actual, expected, "one per value of " + other);
    }

    /// <summary>Checks every id indexes a row of a table with <paramref name="rows"/> rows.</summary>
    public static void Ids(ReadOnlySpan<int> ids, int rows, string param = "ids")
    {
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)rows) KernelThrow.IdOutOfRange(param, i, ids[i], rows);
    }

    /// <summary>Checks bag boundaries: at least one, never decreasing, all within 0..rows.</summary>
    public static void Offsets(ReadOnlySpan<int> offsets, int rows)
    {
        if (offsets.IsEmpty) KernelThrow.EmptyOffsets();
        for (int b = 0, previous = 0; b < offsets.Length; previous = offsets[b], b++)
            if (offsets[b] < previous || offsets[b] > rows) KernelThrow.BadOffsets(b, offsets[b], previous, rows);
    }

    public static void Eps(float eps)
    {
        if (!(eps > 0) || float.IsInfinity(eps)) KernelThrow.BadEps(eps);
    }
}
