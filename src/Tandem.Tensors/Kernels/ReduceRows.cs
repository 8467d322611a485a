namespace Tandem.Tensors.Kernels;

public static partial class Kernels
{
    /// <summary>Validates and runs a one-value-per-row reduction; the operator receives x, cols and result.</summary>
    static unsafe void ReduceRows<TOp>(ReadOnlySpan<float> x, int cols, Span<float> result, SimdLevel level, Func<nint, int, nint, TOp> create)
        where TOp : struct, IRowOperator
    {
        int rows = Validate.Rows(x.Length, cols);
        Validate.Length(result.Length, rows, nameof(result), "one per row of x");
        fixed (float* px = x, pr = result)
            RowDriver.Run(create((nint)px, cols, (nint)pr), rows, x.Length, level);
    }
}
