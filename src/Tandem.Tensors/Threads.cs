namespace Tandem.Tensors;

/// <summary>
/// How many threads kernels may use. One thread makes every result bit-reproducible;
/// more threads split work so sums may be reordered within float rounding.
/// </summary>
public static class Threads
{
    static int count = Environment.ProcessorCount;

    /// <summary>The number of threads kernels use; defaults to the processor count.</summary>
    public static int Count
    {
        get => count;
        set => count = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Threads.Count must be at least 1.");
    }
}
