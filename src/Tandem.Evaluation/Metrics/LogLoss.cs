namespace Tandem.Evaluation.Metrics;

/// <summary>
/// Mean binary cross-entropy of predicted probabilities:
/// <c>−(1/n) Σ [ y·ln(p) + (1 − y)·ln(1 − p) ]</c>, natural logarithm, computed in double.
/// Each p is first clipped to [1e-7, 1 − 1e-7] so that a confident wrong prediction costs
/// −ln(1e-7) ≈ 16.118 rather than infinity (the clip used by Keras and, by default, older scikit-learn).
/// </summary>
public static class LogLoss
{
    /// <summary>The probability clip ε: each p is clipped to [ε, 1 − ε].</summary>
    public const double Epsilon = 1e-7;

    /// <summary>Log loss of <paramref name="probabilities"/> (each in [0, 1]) against <paramref name="labels"/> (each in [0, 1]; 0 or 1 for hard labels).</summary>
    /// <exception cref="ArgumentException">The spans differ in length or are empty, or a probability or label is outside [0, 1] or NaN.</exception>
    public static double Compute(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        if (probabilities.Length != labels.Length)
            EvaluationThrow.Argument($"{probabilities.Length} probabilities but {labels.Length} labels; pass one probability per label.", nameof(labels));
        if (labels.IsEmpty)
            EvaluationThrow.Argument("Log loss of no examples is undefined; pass at least one probability and label.", nameof(labels));
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double y = labels[i], p = probabilities[i];
            if (!(y is >= 0 and <= 1))
                EvaluationThrow.Argument($"labels[{i}] is {labels[i]}; labels must lie in [0, 1].", nameof(labels));
            if (!(p is >= 0 and <= 1))
                EvaluationThrow.Argument($"probabilities[{i}] is {probabilities[i]}; probabilities must lie in [0, 1] (apply a sigmoid to logits first).", nameof(probabilities));
            p = Math.Clamp(p, Epsilon, 1 - Epsilon);
            sum += y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
        }
        return -sum / labels.Length;
    }
}
