namespace Tandem.Models.Calibration;

/// <summary>
/// Platt scaling: a click probability from a model score, <c>p = σ(A·score + B)</c>, fitted by
/// maximum likelihood on held-out (score, label) pairs (Platt 1999, with Lin, Lin and Weng's
/// Newton iteration and Platt's smoothed targets, so a perfectly separable sample still gives
/// finite A and B). Stored in the model file by <see cref="Persistence.TwoTowerModelFile.WriteCalibration"/>.
/// </summary>
/// <param name="A">Slope on the score.</param>
/// <param name="B">Offset.</param>
/// <param name="Examples">Held-out pairs it was fitted on.</param>
/// <param name="Positives">Of which positive.</param>
public sealed record PlattScaling(double A, double B, int Examples, int Positives)
{
    /// <summary>The click probability of <paramref name="score"/>.</summary>
    public double Probability(double score) => Sigmoid(A * score + B);

    /// <summary>Fits A and B to <paramref name="scores"/> with 0/1 <paramref name="labels"/>.</summary>
    /// <exception cref="ModelException">Lengths differ, or the sample lacks positives or negatives.</exception>
    public static PlattScaling Fit(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels)
    {
        if (scores.Length != labels.Length) ModelThrow.Config($"Calibration got {scores.Length} scores but {labels.Length} labels; pass one label per score.");
        int positives = 0;
        foreach (byte l in labels) positives += l != 0 ? 1 : 0;
        int negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0) ModelThrow.Config($"Calibration needs positive and negative examples; got {positives} and {negatives}.");
        var targets = Targets(labels, positives, negatives);
        double a = 0, b = Math.Log((positives + 1.0) / (negatives + 1.0));
        double loss = Loss(scores, targets, a, b);
        for (int iteration = 0; iteration < 100; iteration++)
        {
            var (ga, gb) = Gradient(scores, targets, a, b);
            if (Math.Abs(ga) < 1e-9 && Math.Abs(gb) < 1e-9) break;
            // Newton step with the Hessian of the mean log loss, damped by a small ridge; halve until the loss falls.
            double haa = 1e-12, hab = 0, hbb = 1e-12;
            for (int i = 0; i < scores.Length; i++)
            {
                double p = Sigmoid(a * scores[i] + b), w = p * (1 - p);
                haa += w * scores[i] * scores[i];
                hab += w * scores[i];
                hbb += w;
            }
            haa /= scores.Length; hab /= scores.Length; hbb /= scores.Length;
            double det = haa * hbb - hab * hab;
            double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
            double step = 1;
            while (step > 1e-10)
            {
                double next = Loss(scores, targets, a + step * da, b + step * db);
                if (next < loss + 1e-4 * step * (ga * da + gb * db)) { a += step * da; b += step * db; loss = next; break; }
                step /= 2;
            }
            if (step <= 1e-10) break;
        }
        return new PlattScaling(a, b, scores.Length, positives);
    }

    /// <summary>Platt's targets: (N₊ + 1)/(N₊ + 2) for positives and 1/(N₋ + 2) for negatives.</summary>
    static double[] Targets(ReadOnlySpan<byte> labels, int positives, int negatives)
    {
        double high = (positives + 1.0) / (positives + 2.0), low = 1.0 / (negatives + 2.0);
        var t = new double[labels.Length];
        for (int i = 0; i < t.Length; i++) t[i] = labels[i] != 0 ? high : low;
        return t;
    }

    /// <summary>Mean cross-entropy of σ(a·s + b) against the targets.</summary>
    internal static double Loss(ReadOnlySpan<float> scores, ReadOnlySpan<double> targets, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double z = a * scores[i] + b;
            // −t·log σ(z) − (1 − t)·log(1 − σ(z)) = log(1 + e^z) − t·z, written to stay finite for large |z|.
            sum += Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - targets[i] * z;
        }
        return sum / scores.Length;
    }

    /// <summary>∂Loss/∂a = mean((σ(z) − t)·s), ∂Loss/∂b = mean(σ(z) − t).</summary>
    internal static (double A, double B) Gradient(ReadOnlySpan<float> scores, ReadOnlySpan<double> targets, double a, double b)
    {
        double ga = 0, gb = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double r = Sigmoid(a * scores[i] + b) - targets[i];
            ga += r * scores[i];
            gb += r;
        }
        return (ga / scores.Length, gb / scores.Length);
    }

    /// <summary>The logistic function, stable for large |z|.</summary>
    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
