using ScottPlot;
using Tandem.Evaluation.Metrics;

namespace Tandem.Experiments.Reporting;

/// <summary>
/// A reliability diagram (PNG): for each model, the click rate of each of 10 equal-width
/// probability bins against the bin's mean predicted probability, beside the diagonal of perfect
/// calibration; empty bins are left out. Written atomically.
/// </summary>
public static class ReliabilityPlot
{
    /// <summary>Draws one series per (name, probabilities, labels) to <paramref name="path"/>.</summary>
    public static void Save(string path, string title, IEnumerable<(string Name, float[] Probabilities, float[] Labels)> series)
    {
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "perfect calibration";
        foreach (var (name, p, y) in series)
        {
            var bins = CalibrationError.Bins(p, y).Where(b => b.Count > 0).ToArray();
            var line = plot.Add.Scatter(bins.Select(b => b.MeanPredicted).ToArray(), bins.Select(b => b.Observed).ToArray());
            line.LegendText = $"{name} (ECE {CalibrationError.Expected(p, y):0.000})";
            line.MarkerSize = 7;
        }
        plot.Title(title);
        plot.XLabel("mean predicted click probability");
        plot.YLabel("observed click rate");
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(Alignment.UpperLeft);
        TrainingPlots.Save(plot, path);
    }
}
