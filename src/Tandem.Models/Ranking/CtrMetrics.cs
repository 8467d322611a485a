using Tandem.Evaluation.Metrics;

namespace Tandem.Models.Ranking;

/// <summary>
/// A ranker's figures on labelled impressions: AUC of its logits, group AUC (per user,
/// impression-weighted; null without users or with no user of both classes), and the log loss and
/// expected calibration error (10 bins) of its calibrated probabilities.
/// </summary>
/// <param name="Auc">ROC AUC.</param>
/// <param name="GroupAuc">Group AUC, or null.</param>
/// <param name="LogLoss">Mean binary cross-entropy of the calibrated probabilities.</param>
/// <param name="Ece">Expected calibration error of the calibrated probabilities.</param>
/// <param name="Impressions">Impressions evaluated.</param>
/// <param name="Clicks">Of which clicks.</param>
public sealed record CtrMetrics(double Auc, double? GroupAuc, double LogLoss, double Ece, int Impressions, int Clicks)
{
    /// <summary>The figures of <paramref name="ranker"/> on the impressions <paramref name="rows"/> of <paramref name="data"/>.</summary>
    /// <exception cref="TandemException">The impressions are all clicks or all non-clicks.</exception>
    public static CtrMetrics Of(Ranker ranker, ClickData data, int[] rows)
    {
        var logits = ranker.Logits(data.Data, rows);
        var labels = rows.Select(r => data.Labels[r]).ToArray();
        var p = ranker.Calibration.Probabilities(logits);
        double? gauc = null;
        if (data.Users is { } users)
        {
            var groups = rows.Select(r => users[r]).ToArray();
            try { gauc = Tandem.Evaluation.Metrics.GroupAuc.Compute(logits, labels, groups).Value; }
            catch (TandemException) { } // no user with both a click and a non-click: group AUC is undefined
        }
        return new CtrMetrics(Tandem.Evaluation.Metrics.Auc.Compute(logits, labels), gauc, Tandem.Evaluation.Metrics.LogLoss.Compute(p, labels),
            CalibrationError.Expected(p, labels), rows.Length, labels.Count(y => y == 1));
    }
}
