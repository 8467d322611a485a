using Tandem.Models.Recipes;

namespace Tandem.Models.Calibration;

/// <summary>
/// How a ranker's logit becomes a click probability: the plain sigmoid, Platt scaling or isotonic
/// regression, fitted on the validation slice (never the test split) and stored in the model file.
/// </summary>
/// <param name="Kind">Which mapping.</param>
/// <param name="Platt">The Platt scaling, for <see cref="CalibrationKind.Platt"/>.</param>
/// <param name="Isotonic">The step function, for <see cref="CalibrationKind.Isotonic"/>.</param>
/// <param name="Examples">Validation impressions it was fitted on (0 for the sigmoid).</param>
public sealed record Calibrator(CalibrationKind Kind, PlattScaling? Platt = null, IsotonicCalibration? Isotonic = null, int Examples = 0)
{
    /// <summary>The plain sigmoid.</summary>
    public static Calibrator Sigmoid { get; } = new(CalibrationKind.None);

    /// <summary>The click probability of <paramref name="logit"/>.</summary>
    public double Probability(double logit) => Kind switch
    {
        CalibrationKind.Platt => Platt!.Probability(logit),
        CalibrationKind.Isotonic => Isotonic!.Probability(logit),
        _ => PlattScaling.Sigmoid(logit),
    };

    /// <summary>Every logit's probability.</summary>
    public float[] Probabilities(ReadOnlySpan<float> logits)
    {
        var p = new float[logits.Length];
        for (int i = 0; i < p.Length; i++) p[i] = (float)Probability(logits[i]);
        return p;
    }

    /// <summary>Fits <paramref name="kind"/> to held-out <paramref name="logits"/> and 0/1 <paramref name="labels"/>.</summary>
    /// <exception cref="ModelException">The sample is empty or, for Platt, lacks clicks or non-clicks.</exception>
    public static Calibrator Fit(CalibrationKind kind, ReadOnlySpan<float> logits, ReadOnlySpan<float> labels) => kind switch
    {
        CalibrationKind.Platt => new(kind, Platt: PlattScaling.Fit(logits, Bytes(labels)), Examples: logits.Length),
        CalibrationKind.Isotonic => new(kind, Isotonic: IsotonicCalibration.Fit(logits, labels), Examples: logits.Length),
        _ => Sigmoid,
    };

    static byte[] Bytes(ReadOnlySpan<float> labels)
    {
        var b = new byte[labels.Length];
        for (int i = 0; i < b.Length; i++) b[i] = labels[i] != 0 ? (byte)1 : (byte)0;
        return b;
    }
}
