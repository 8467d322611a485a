using System.Buffers;

namespace Tandem.Evaluation.Metrics;

/// <summary>
/// ROC AUC for pointwise binary labels: the probability that a random positive scores above a random
/// negative, a tie counting one half. Computed in O(n log n) by sorting scores and summing the
/// (average, for ties) ranks of the positives (Mann–Whitney U):
/// <c>AUC = (Σ ranks of positives − P(P+1)/2) / (P · N)</c>.
/// Undefined without both a positive and a negative, which is an error.
/// </summary>
public static class Auc
{
    /// <summary>AUC of <paramref name="scores"/> (any real values, higher means more likely positive) against <paramref name="labels"/> (each exactly 0 or 1).</summary>
    /// <exception cref="ArgumentException">The spans differ in length, a label is not 0 or 1, or a score is NaN.</exception>
    /// <exception cref="TandemException">The labels are all one class.</exception>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
            EvaluationThrow.Argument($"{scores.Length} scores but {labels.Length} labels; pass one score per label.", nameof(labels));
        long positives = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not (0f or 1f))
                EvaluationThrow.Argument($"labels[{i}] is {labels[i]}; AUC needs binary labels, each 0 or 1.", nameof(labels));
            if (float.IsNaN(scores[i]))
                EvaluationThrow.Argument($"scores[{i}] is NaN; every score must be a number.", nameof(scores));
            if (labels[i] == 1f) positives++;
        }
        long negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
            EvaluationThrow.Input($"AUC is undefined: all {labels.Length} labels are {(positives == 0 ? 0 : 1)}; it needs at least one positive and one negative.");

        var sortedScores = ArrayPool<float>.Shared.Rent(scores.Length);
        var sortedLabels = ArrayPool<float>.Shared.Rent(labels.Length);
        try
        {
            var s = sortedScores.AsSpan(0, scores.Length);
            var y = sortedLabels.AsSpan(0, labels.Length);
            scores.CopyTo(s);
            labels.CopyTo(y);
            s.Sort(y);
            double positiveRankSum = 0;
            for (int start = 0; start < s.Length;)
            {
                int end = start + 1;
                while (end < s.Length && s[end] == s[start]) end++;
                // Positions start..end-1 share one score: each gets the average 1-based rank.
                double averageRank = (start + 1 + end) / 2.0;
                int groupPositives = 0;
                for (int i = start; i < end; i++) if (y[i] == 1f) groupPositives++;
                positiveRankSum += groupPositives * averageRank;
                start = end;
            }
            return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sortedScores);
            ArrayPool<float>.Shared.Return(sortedLabels);
        }
    }
}
