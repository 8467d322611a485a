namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Expected calibration error over equal-width probability bins (Naeini et al. 2015, Guo et al.
/// 2017): <c>ECE = Σ_b (n_b / n)·|mean label_b − mean p_b|</c>, with p in bin
/// <c>min(floor(p·bins), bins − 1)</c>; and the bins themselves, a reliability diagram's points.
/// </summary>
public static class CalibrationError
{
    /// <summary>One bin of a reliability diagram: its examples, their mean predicted probability and their click rate.</summary>
    /// <param name="Count">Examples in the bin.</param>
    /// <param name="MeanPredicted">Their mean probability (0 when empty).</param>
    /// <param name="Observed">Their mean label (0 when empty).</param>
    public readonly record struct Bin(int Count, double MeanPredicted, double Observed);

    /// <summary>The ECE of <paramref name="probabilities"/> against <paramref name="labels"/> over <paramref name="bins"/> equal-width bins.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty, a value is outside [0, 1], or bins is below 1.</exception>
    public static double Expected(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = 10)
    {
        double ece = 0;
        foreach (var b in Bins(probabilities, labels, bins)) ece += b.Count * Math.Abs(b.Observed - b.MeanPredicted);
        return ece / probabilities.Length;
    }

    /// <summary>The reliability diagram's bins, in ascending probability.</summary>
    /// <exception cref="ArgumentException">As <see cref="Expected"/>.</exception>
    public static Bin[] Bins(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = 10)
    {
        if (probabilities.Length != labels.Length || labels.IsEmpty)
            EvaluationThrow.Argument($"{probabilities.Length} probabilities and {labels.Length} labels; pass at least one and one label per probability.", nameof(labels));
        if (bins < 1) EvaluationThrow.OutOfRange($"bins is {bins}; it must be at least 1.", nameof(bins), bins);
        var count = new int[bins];
        var predicted = new double[bins];
        var observed = new double[bins];
        for (int i = 0; i < labels.Length; i++)
        {
            float p = probabilities[i], y = labels[i];
            if (!(p is >= 0 and <= 1)) EvaluationThrow.Argument($"probabilities[{i}] is {p}; probabilities must lie in [0, 1].", nameof(probabilities));
            if (!(y is >= 0 and <= 1)) EvaluationThrow.Argument($"labels[{i}] is {y}; labels must lie in [0, 1].", nameof(labels));
            int b = Math.Min((int)(p * bins), bins - 1);
            count[b]++;
            predicted[b] += p;
            observed[b] += y;
        }
        var result = new Bin[bins];
        for (int b = 0; b < bins; b++)
            result[b] = count[b] == 0 ? new Bin(0, 0, 0) : new Bin(count[b], predicted[b] / count[b], observed[b] / count[b]);
        return result;
    }

    /// <summary>
    /// RelaImpr (Yan et al. 2014, used by DIN): a model's AUC gain over a base model's, relative to
    /// the base's gain over random, <c>(AUC − 0.5) / (AUC_base − 0.5) − 1</c>.
    /// </summary>
    public static double RelaImpr(double auc, double baseAuc) => (auc - 0.5) / (baseAuc - 0.5) - 1;
}
