using System.Buffers;

namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Mean and median of the 1-based ranks of held-out items in a full-catalogue ranking (lower is
/// better; 1 is the top). The evaluators pool the ranks of every (user, held-out item) pair, so a
/// user with more held-out items weighs more. NaN for no ranks.
/// </summary>
public static class RankStatistics
{
    /// <summary>The arithmetic mean of <paramref name="ranks"/>, summed exactly in 64-bit integers.</summary>
    /// <exception cref="ArgumentException">A rank is below 1.</exception>
    public static double Mean(ReadOnlySpan<int> ranks)
    {
        Validate(ranks);
        return MeanCore(ranks);
    }

    /// <summary>The median of <paramref name="ranks"/> (any order): the middle value, or the mean of the two middle values for an even count.</summary>
    /// <exception cref="ArgumentException">A rank is below 1.</exception>
    public static double Median(ReadOnlySpan<int> ranks)
    {
        Validate(ranks);
        var buffer = ArrayPool<int>.Shared.Rent(ranks.Length);
        try
        {
            var sorted = buffer.AsSpan(0, ranks.Length);
            ranks.CopyTo(sorted);
            sorted.Sort();
            return MedianOfSorted(sorted);
        }
        finally { ArrayPool<int>.Shared.Return(buffer); }
    }

    internal static double MeanCore(ReadOnlySpan<int> ranks)
    {
        if (ranks.IsEmpty) return double.NaN;
        long sum = 0;
        foreach (int r in ranks) sum += r;
        return (double)sum / ranks.Length;
    }

    internal static double MedianOfSorted(ReadOnlySpan<int> sorted)
    {
        int n = sorted.Length;
        if (n == 0) return double.NaN;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double)sorted[n / 2]) / 2;
    }

    static void Validate(ReadOnlySpan<int> ranks)
    {
        for (int i = 0; i < ranks.Length; i++)
            if (ranks[i] < 1) EvaluationThrow.Argument($"ranks[{i}] is {ranks[i]}; ranks are 1-based.", nameof(ranks));
    }
}
