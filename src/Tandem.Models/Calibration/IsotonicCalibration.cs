namespace Tandem.Models.Calibration;

/// <summary>
/// Isotonic regression of the click label on a score (pool adjacent violators, Ayer et al. 1955;
/// Zadrozny and Elkan 2002): a non-decreasing step function, one step per pooled block of
/// held-out examples sorted by score. A score maps to the first block whose highest score is
/// at least it (the last block above every one). Probabilities are kept within
/// [<see cref="Floor"/>, 1 − <see cref="Floor"/>], so one surprising click costs a bounded log loss.
/// </summary>
/// <param name="Upper">Each block's highest score, ascending.</param>
/// <param name="Values">Each block's click rate, non-decreasing.</param>
public sealed record IsotonicCalibration(double[] Upper, double[] Values)
{
    /// <summary>The lowest probability given (and one minus the highest).</summary>
    public const double Floor = 1e-4;

    /// <summary>The click probability of <paramref name="score"/>.</summary>
    public double Probability(double score)
    {
        int at = Array.BinarySearch(Upper, score);
        if (at < 0) at = Math.Min(~at, Values.Length - 1);
        return Values[at];
    }

    /// <summary>Fits the step function to <paramref name="scores"/> with 0/1 <paramref name="labels"/>.</summary>
    /// <exception cref="ModelException">Lengths differ, or the sample is empty.</exception>
    public static IsotonicCalibration Fit(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length || scores.IsEmpty) ModelThrow.Config($"Isotonic calibration got {scores.Length} scores and {labels.Length} labels; pass at least one, one label per score.");
        var order = Enumerable.Range(0, scores.Length).ToArray();
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        // Blocks on a stack: (sum of labels, count, highest score); merge while the last two decrease.
        var sum = new List<double>();
        var count = new List<int>();
        var upper = new List<double>();
        for (int i = 0; i < order.Length; i++)
        {
            double y = labels[order[i]];
            // Equal scores must share one value: they join the previous block.
            if (upper.Count > 0 && keys[i] == upper[^1]) { sum[^1] += y; count[^1]++; }
            else { sum.Add(y); count.Add(1); upper.Add(keys[i]); }
            while (sum.Count > 1 && sum[^2] / count[^2] >= sum[^1] / count[^1])
            {
                sum[^2] += sum[^1];
                count[^2] += count[^1];
                upper[^2] = upper[^1];
                sum.RemoveAt(sum.Count - 1);
                count.RemoveAt(count.Count - 1);
                upper.RemoveAt(upper.Count - 1);
            }
        }
        var values = new double[sum.Count];
        for (int b = 0; b < values.Length; b++) values[b] = Math.Clamp(sum[b] / count[b], Floor, 1 - Floor);
        return new IsotonicCalibration([.. upper], values);
    }
}
