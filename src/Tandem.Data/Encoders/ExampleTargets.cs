using Tandem.Data.Schema;
using Tandem.Data.Tables;

namespace Tandem.Data.Encoders;

/// <summary>What each training example aims at and how much it counts: its label and weight; implicit feedback (every interaction a positive) or explicit labels.</summary>
public static class ExampleTargets
{
    /// <summary>The label column for CTR data, else 1 for every interaction (implicit feedback).</summary>
    public static float[] Labels(InteractionLog log)
    {
        if (log.Labels is { } labels) return labels;
        var ones = new float[log.Count];
        Array.Fill(ones, 1f);
        return ones;
    }

    /// <summary>
    /// Per-interaction weight: 1; the rating; or for recency <c>0.5^((reference - t) / halfLife)</c>,
    /// so an interaction one half-life before the newest training one weighs 0.5 (later ones weigh 1).
    /// </summary>
    public static float[] Weights(InteractionLog log, Weighting weighting, long referenceTime)
    {
        var w = new float[log.Count];
        switch (weighting.Kind)
        {
            case WeightingKind.Rating:
                log.Ratings!.CopyTo(w, 0);
                break;
            case WeightingKind.Recency:
                double halfLife = weighting.HalfLifeDays * 86_400;
                var ts = log.Timestamps!;
                for (int i = 0; i < w.Length; i++) w[i] = (float)Math.Pow(0.5, Math.Max(referenceTime - ts[i], 0) / halfLife);
                break;
            default:
                Array.Fill(w, 1f);
                break;
        }
        return w;
    }
}
